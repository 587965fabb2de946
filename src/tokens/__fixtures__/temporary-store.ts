import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '../../store/index.js';

/** A real SQLite store in a temporary folder, and a second connection to the same file. */
export async function temporaryStore(): Promise<{
  store: Store;
  path: string;
  openAnother: () => Promise<Store>;
  close: () => Promise<void>;
}> {
  const folder = mkdtempSync(join(tmpdir(), 'castellan-tokens-'));
  const path = join(folder, 'castellan.db');
  const store = await openSqliteStore(path);
  const others: Store[] = [];
  return {
    store,
    path,
    openAnother: async () => {
      const other = await openSqliteStore(path);
      others.push(other);
      return other;
    },
    close: async () => {
      for (const other of others) await other.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
