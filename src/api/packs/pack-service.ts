import type {
  ApprovalRecord,
  PackQuarantineRecord,
  TrustedKeyRecord,
  UserRecord,
} from '../../store/index.js';
import type { Environment } from '../../config/index.js';
import {
  admittedVersionsFor,
  parsePublicKey,
  publishPack,
  trustedKeysFor,
  verifyPackReport,
  type CheckOutcome,
  type PackAdmissionCheck,
} from '../../packs/index.js';
import { ApiError } from '../errors.js';
import type { PackServiceContext } from './context.js';
import { PackApprovals } from './pack-approvals.js';
import { describePack, listPacks, type PackListing, type PackDetail } from './pack-listing.js';
import {
  packRefSchema,
  parsePackInput,
  reasonSchema,
  splitRef,
  trustKeySchema,
} from './pack-inputs.js';

/**
 * The packs room's operations for people: trust store, publication, listings, quarantine and,
 * through PackApprovals, promotion and release. Every method checks the actor's permission
 * first, audits what it changed, and leaves the store unchanged when it refuses.
 */
export class PackService {
  readonly approvals: PackApprovals;

  constructor(private readonly context: PackServiceContext) {
    this.approvals = new PackApprovals(context);
  }

  /** The check the gate uses; exposed so the run engine can prepare an agent's pinned packs. */
  get guard(): PackAdmissionCheck {
    return this.context.guard;
  }

  /** Trusts a publisher key in one environment (security-admins only). */
  async trustKey(actor: UserRecord, raw: unknown): Promise<TrustedKeyRecord> {
    const { store, orgId, clock } = this.context;
    this.context.permit(actor, 'trust.manage');
    const input = parsePackInput(trustKeySchema, raw, 'trusted key');
    const key = parsePublicKey(input.publicKeyPem);
    const record = {
      orgId,
      environment: input.environment,
      keyId: key.keyId,
      algorithm: key.algorithm,
      publicKeyPem: input.publicKeyPem,
      publisher: input.publisher,
      names: input.names,
      addedBy: actor.id,
      addedAt: clock.now().toISOString(),
    };
    await store.transaction(async (transaction) => {
      await transaction.packs.addTrustedKey(record);
    });
    await this.context.audit.append({
      type: 'pack-key-trusted',
      actor: { user: actor.id },
      details: {
        environment: record.environment,
        keyId: record.keyId,
        algorithm: record.algorithm,
        publisher: record.publisher,
        names: record.names,
      },
    });
    this.context.guard.invalidate();
    return { ...record, removedAt: null, removedBy: null, removalReason: null };
  }

  /** Removes trust in a key: every pack it signed stops resolving in that environment at once. */
  async untrustKey(
    actor: UserRecord,
    input: { environment: Environment; keyId: string; reason: string },
  ): Promise<void> {
    const { store, orgId, clock } = this.context;
    this.context.permit(actor, 'trust.manage');
    const reason = parsePackInput(reasonSchema, input.reason, 'reason');
    const removed = await store.packs.removeTrustedKey(orgId, input.environment, input.keyId, {
      by: actor.id,
      at: clock.now().toISOString(),
      reason,
    });
    if (!removed)
      throw new ApiError('not-found', `key ${input.keyId} is not trusted in ${input.environment}`);
    this.context.guard.invalidate();
    await this.context.audit.append({
      type: 'pack-key-untrusted',
      actor: { user: actor.id },
      details: { environment: input.environment, keyId: input.keyId, reason },
    });
  }

  /** The trusted keys, of one environment or all. */
  async listTrust(actor: UserRecord, environment?: Environment): Promise<TrustedKeyRecord[]> {
    this.context.permit(actor, 'pack.read');
    return this.context.store.packs.trustedKeys(
      this.context.orgId,
      environment === undefined ? {} : { environment },
    );
  }

  /** Publishes a signed archive (publisher role): verified, stored, admitted to dev. */
  async publish(actor: UserRecord, input: { archive: Buffer; envelope: string }) {
    const { store, orgId, clock } = this.context;
    this.context.permit(actor, 'pack.publish');
    const { record, verified } = await publishPack(store, orgId, {
      archive: input.archive,
      envelope: input.envelope,
      publishedBy: actor.id,
      at: clock.now().toISOString(),
    });
    await this.context.audit.append({
      type: 'pack-published',
      actor: { user: actor.id },
      pack: { name: record.name, version: record.version, digest: record.digest },
      details: {
        publisher: record.publisher,
        signer: record.signerKeyId,
        manifestDigest: record.manifestDigest,
        builder: verified.statement.predicate.builder.id,
        sourceRevision: verified.statement.predicate.sourceRevision,
        admittedTo: 'dev',
      },
    });
    this.context.guard.invalidate();
    const { archive: _archive, envelope: _envelope, ...summary } = record;
    return summary;
  }

  /** Every published version with where it is admitted and whether it is quarantined. */
  async list(actor: UserRecord): Promise<PackListing[]> {
    this.context.permit(actor, 'pack.read');
    return listPacks(this.context.store, this.context.orgId);
  }

  /** One version in detail: admissions with approvers, quarantine, signer, build provenance. */
  async show(actor: UserRecord, ref: string): Promise<PackDetail> {
    this.context.permit(actor, 'pack.read');
    const { name, version } = splitRef(parsePackInput(packRefSchema, ref, 'pack'));
    return describePack(this.context.store, this.context.orgId, name, version);
  }

  /**
   * Quarantines a version at once (no approval: stopping is never slower than starting): new
   * calls are refused and runs using it stop at their next call.
   */
  async quarantine(
    actor: UserRecord,
    ref: string,
    rawReason: unknown,
  ): Promise<PackQuarantineRecord> {
    const { store, orgId, clock } = this.context;
    this.context.permit(actor, 'pack.quarantine');
    const { name, version } = splitRef(parsePackInput(packRefSchema, ref, 'pack'));
    const reason = parsePackInput(reasonSchema, rawReason, 'reason');
    const record = {
      orgId,
      name,
      version,
      reason,
      quarantinedBy: actor.id,
      quarantinedAt: clock.now().toISOString(),
    };
    // The row first: a quarantine takes effect even when the audit log cannot be written (the
    // append's failure then reaches the caller, who sees the quarantine stands).
    await store.packs.quarantine(record);
    this.context.guard.invalidate();
    await this.context.audit.append({
      type: 'pack-quarantined',
      actor: { user: actor.id },
      details: { name, version, reason },
    });
    return { ...record, releasedAt: null, releasedBy: null };
  }

  /** Asks for a quarantine to be lifted: an approval request. */
  async requestRelease(actor: UserRecord, ref: string, reason: unknown): Promise<ApprovalRecord> {
    return this.approvals.requestRelease(actor, ref, reason);
  }

  /** Asks for a version to be admitted to staging or prod: an approval request. */
  async requestPromotion(
    actor: UserRecord,
    ref: string,
    environment: unknown,
  ): Promise<ApprovalRecord> {
    return this.approvals.requestPromotion(actor, ref, environment);
  }

  /**
   * Verifies an archive and envelope against this home's trust store for an environment, with
   * the rollback check against what is admitted there; changes nothing.
   */
  async verify(
    actor: UserRecord | undefined,
    input: { archive: Buffer; envelope: string; environment: Environment },
  ): Promise<{
    ok: boolean;
    checks: CheckOutcome[];
    digest?: string;
    name?: string;
    version?: string;
  }> {
    if (actor !== undefined) this.context.permit(actor, 'pack.read');
    const { store, orgId } = this.context;
    const report = verifyPackReport({
      archive: input.archive,
      envelope: input.envelope,
      trustedKeys: await trustedKeysFor(store, orgId, input.environment),
      admitted: await admittedVersionsFor(store, orgId, input.environment),
    });
    return {
      ok: report.result !== undefined,
      checks: report.checks,
      ...(report.result === undefined
        ? {}
        : {
            digest: report.result.archiveDigest,
            name: report.result.manifest.name,
            version: report.result.manifest.version,
          }),
    };
  }
}
