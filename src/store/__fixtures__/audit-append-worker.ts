/**
 * A worker thread that appends to the audit log of a SQLite file: its own event loop and its
 * own connection, so it competes with other threads the way another process would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { chainedRow } from '../contract/fixtures.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';

const { path, orgId, count, name } = workerData as {
  path: string;
  orgId: string;
  count: number;
  name: string;
};

const store = await openSqliteStore(path);
// Start together with the other writers, so the appends really compete.
await new Promise<void>((start) => {
  parentPort?.once('message', () => start());
  parentPort?.postMessage('ready');
});
try {
  for (let index = 0; index < count; index += 1) {
    await store.audit.append(orgId, chainedRow(orgId, { writer: name, index }));
    // Let go between appends, as a real writer does; otherwise one thread hogs the lock.
    await sleep(1);
  }
} finally {
  await store.close();
}
