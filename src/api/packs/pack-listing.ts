import type {
  PackAdmissionRecord,
  PackQuarantineRecord,
  PackVersionSummary,
  Store,
} from '../../store/index.js';
import { checkEnvelopeText, compareVersions } from './pack-listing-helpers.js';
import { ApiError } from '../errors.js';

/** One version as `packs list` shows it. */
export interface PackListing extends PackVersionSummary {
  environments: Array<PackAdmissionRecord['environment']>;
  quarantine: PackQuarantineRecord | null;
}

/** One version as `packs show` shows it. */
export interface PackDetail extends PackListing {
  admissions: PackAdmissionRecord[];
  builder: string | null;
  sourceRevision: string | null;
}

/** Every published version, newest version last per name, with admissions and quarantine. */
export async function listPacks(store: Store, orgId: string): Promise<PackListing[]> {
  const [versions, admissions, quarantines] = await Promise.all([
    store.packs.listVersions(orgId),
    store.packs.admissions(orgId),
    store.packs.quarantines(orgId, { activeOnly: true }),
  ]);
  return versions
    .sort(
      (left, right) =>
        (left.name < right.name ? -1 : left.name > right.name ? 1 : 0) ||
        compareVersions(left.version, right.version),
    )
    .map((version) => ({
      ...version,
      environments: admissions
        .filter((row) => row.name === version.name && row.version === version.version)
        .map((row) => row.environment),
      quarantine:
        quarantines.find((row) => row.name === version.name && row.version === version.version) ??
        null,
    }));
}

/** One version in detail, or a not-found ApiError. */
export async function describePack(
  store: Store,
  orgId: string,
  name: string,
  version: string,
): Promise<PackDetail> {
  const record = await store.packs.getVersion(orgId, name, version);
  if (record === undefined) throw new ApiError('not-found', `${name}@${version} is not published`);
  const admissions = await store.packs.admissions(orgId, { name });
  const own = admissions.filter((row) => row.version === version);
  const quarantine =
    (await store.packs.quarantines(orgId, { activeOnly: true })).find(
      (row) => row.name === name && row.version === version,
    ) ?? null;
  const { archive: _archive, envelope, ...summary } = record;
  const provenance = checkEnvelopeText(envelope);
  return {
    ...summary,
    environments: own.map((row) => row.environment),
    quarantine,
    admissions: own,
    builder: provenance?.builder ?? null,
    sourceRevision: provenance?.sourceRevision ?? null,
  };
}
