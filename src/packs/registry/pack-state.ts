import type { PackAdmissionRecord, PackQuarantineRecord, Store } from '../../store/index.js';

/** What the gate needs to know about packs on every call, read from the store at once. */
export interface PackStateSnapshot {
  /** Active quarantines by `name@version`. */
  quarantined: ReadonlyMap<string, PackQuarantineRecord>;
  /** Admissions by `environment|name@version`. */
  admitted: ReadonlyMap<string, PackAdmissionRecord>;
  /** Key ids trusted now, per environment. */
  trustedKeys: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Reads the quarantines, admissions and trusted keys of an organisation. */
export async function loadPackState(store: Store, orgId: string): Promise<PackStateSnapshot> {
  const [quarantines, admissions, keys] = await Promise.all([
    store.packs.quarantines(orgId, { activeOnly: true }),
    store.packs.admissions(orgId),
    store.packs.trustedKeys(orgId),
  ]);
  const trustedKeys = new Map<string, Set<string>>();
  for (const key of keys) {
    const set = trustedKeys.get(key.environment) ?? new Set<string>();
    set.add(key.keyId);
    trustedKeys.set(key.environment, set);
  }
  return {
    quarantined: new Map(quarantines.map((row) => [`${row.name}@${row.version}`, row])),
    admitted: new Map(
      admissions.map((row) => [`${row.environment}|${row.name}@${row.version}`, row]),
    ),
    trustedKeys,
  };
}
