import { checkHoldValue, formatHoldQuery, parseHoldQuery, type AuditLog } from '../audit/index.js';
import { newId, type Clock } from '../core/index.js';
import type { HoldRecord, Store, UserRecord } from '../store/index.js';
import { holdAddSchema, holdReleaseSchema } from './audit-inputs.js';
import { ApiError } from './errors.js';
import { parseInput } from './inputs.js';

/**
 * Legal holds. Adding or releasing one is a control-plane change: its audit entry is committed
 * before the hold changes, so the log never misses a hold that took effect. Permission checks
 * are the caller's (AuditService).
 */
export class AuditHolds {
  constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly orgId: string,
    private readonly clock: Clock,
  ) {}

  /** Adds a hold on a run, a user or a query. */
  async add(actor: UserRecord, raw: unknown): Promise<HoldRecord> {
    const input = parseInput(holdAddSchema, raw, 'hold');
    const [kind, value] =
      input.run !== undefined
        ? (['run', checkHoldValue('run', input.run)] as const)
        : input.user !== undefined
          ? (['user', checkHoldValue('user', input.user)] as const)
          : (['query', formatHoldQuery(parseHoldQuery(input.query ?? ''))] as const);
    const hold: HoldRecord = {
      orgId: this.orgId,
      id: newId('hold'),
      kind,
      value,
      reason: input.reason,
      createdBy: actor.id,
      createdAt: this.clock.now().toISOString(),
      releasedAt: null,
      releasedBy: null,
    };
    await this.log.append({
      type: 'audit-hold-added',
      actor: { user: actor.id },
      details: { holdId: hold.id, kind, value, reason: hold.reason },
    });
    await this.store.auditPayloads.addHold(hold);
    return hold;
  }

  /** Active holds, or all of them. */
  async list(all: boolean): Promise<HoldRecord[]> {
    return this.store.auditPayloads.holds(this.orgId, all ? {} : { active: true });
  }

  /** Releases an active hold. */
  async release(actor: UserRecord, raw: unknown): Promise<HoldRecord> {
    const input = parseInput(holdReleaseSchema, raw, 'hold release');
    const hold = (await this.list(false)).find((one) => one.id === input.id);
    if (hold === undefined) throw new ApiError('not-found', `no active hold ${input.id}`);
    await this.log.append({
      type: 'audit-hold-released',
      actor: { user: actor.id },
      details: {
        holdId: hold.id,
        kind: hold.kind,
        value: hold.value,
        reason: input.reason ?? null,
      },
    });
    const at = this.clock.now().toISOString();
    if (!(await this.store.auditPayloads.releaseHold(this.orgId, hold.id, actor.id, at))) {
      throw new ApiError('not-found', `hold ${input.id} was released meanwhile`);
    }
    return { ...hold, releasedAt: at, releasedBy: actor.id };
  }
}
