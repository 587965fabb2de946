import type { Environment } from '../../config/index.js';
import type { Store } from '../../store/index.js';
import { problemOf, type PackCatalog } from '../catalog.js';
import { loadRegistryPack } from './load-registry-pack.js';

/**
 * Loads every version admitted to `environment` into the catalog, verifying each again (a row
 * changed in the database is refused and reported, never loaded). Never throws for one pack.
 */
export async function loadAdmittedPacks(
  catalog: PackCatalog,
  store: Store,
  orgId: string,
  environment: Environment,
): Promise<void> {
  for (const admission of await store.packs.admissions(orgId, { environment })) {
    if (catalog.has(admission.name, admission.version, admission.digest)) continue;
    const where = `registry:${admission.name}@${admission.version}`;
    try {
      catalog.add(
        await loadRegistryPack(store, orgId, admission.name, admission.version, environment),
      );
    } catch (error) {
      catalog.report(problemOf(where, error));
    }
  }
}
