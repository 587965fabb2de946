import type { Environment } from '../../config/index.js';
import type { Store, TrustedKeyRecord } from '../../store/index.js';
import type { SigningAlgorithm } from '../signing/keys.js';
import type { AdmittedVersion } from '../verify/check-rollback.js';
import type { TrustedKey } from '../verify/trusted-key.js';

/** A trust-store row as the verifier's TrustedKey. */
export function toTrustedKey(record: TrustedKeyRecord): TrustedKey {
  return {
    keyId: record.keyId,
    publicKeyPem: record.publicKeyPem,
    algorithm: record.algorithm as SigningAlgorithm,
    publisher: record.publisher,
    names: record.names,
  };
}

/** The publisher keys trusted in an environment now (removed keys excluded). */
export async function trustedKeysFor(
  store: Store,
  orgId: string,
  environment: Environment,
): Promise<TrustedKey[]> {
  return (await store.packs.trustedKeys(orgId, { environment })).map(toTrustedKey);
}

/** The versions of each pack admitted to an environment, for the rollback check. */
export async function admittedVersionsFor(
  store: Store,
  orgId: string,
  environment: Environment,
): Promise<(name: string) => AdmittedVersion[]> {
  const admissions = await store.packs.admissions(orgId, { environment });
  return (name) =>
    admissions
      .filter((admission) => admission.name === name)
      .map((admission) => ({ version: admission.version, digest: admission.digest }));
}
