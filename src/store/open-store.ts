import type { Store } from './port.js';
import { openPostgresStore } from './postgres/open-postgres-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

/**
 * Where the store lives. Structurally the same as `CastellanConfig['store']`; declared here
 * because store/ and config/ sit on one layer and the room lint forbids importing across it.
 */
export type StoreSettings =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema?: string };

/** Opens and migrates the store the settings name. */
export async function openStore(settings: StoreSettings): Promise<Store> {
  switch (settings.kind) {
    case 'sqlite':
      return openSqliteStore(settings.path);
    case 'postgres':
      return openPostgresStore(
        settings.schema === undefined
          ? { url: settings.url }
          : { url: settings.url, schema: settings.schema },
      );
  }
}
