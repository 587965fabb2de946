import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CastellanConfig } from '../config/index.js';
import { GENESIS, chainedRow, newOrg } from './contract/fixtures.js';
import { openSqliteStore, openStore, StoreError, type StoreSettings } from './index.js';
import { describeStoreContract } from './store-contract.js';

const folder = mkdtempSync(join(tmpdir(), 'castellan-store-'));
const path = join(folder, 'castellan.db');
const script = new URL('./__fixtures__/audit-append-worker.ts', import.meta.url).href;

describeStoreContract(
  'sqlite',
  () => openSqliteStore(path),
  async () => rmSync(folder, { recursive: true, force: true }),
);

describe('sqlite adapter', () => {
  it('opens an in-memory store from the configuration shape', async () => {
    // Type-checked: the config room's store settings are exactly what openStore accepts.
    const fromConfig = (settings: CastellanConfig['store']): StoreSettings => settings;
    const store = await openStore(fromConfig({ kind: 'sqlite', path: ':memory:' }));
    expect(store.kind).toBe('sqlite');
    await store.organisations.ensure('default', 'Demo');
    expect(await store.organisations.get('default')).toMatchObject({ name: 'Demo' });
    await store.close();
  });

  it('keeps one audit chain when other threads with their own connections append too', async () => {
    const orgId = newOrg();
    const perWriter = 100;
    const threadFolder = mkdtempSync(join(tmpdir(), 'castellan-store-threads-'));
    const threadPath = join(threadFolder, 'castellan.db');
    const store = await openSqliteStore(threadPath);
    try {
      const workers = ['left', 'right'].map(
        (name) =>
          new Worker(new URL('./__fixtures__/tsx-worker.mjs', import.meta.url), {
            workerData: { script, path: threadPath, orgId, count: perWriter, name },
          }),
      );
      const finished = workers.map(
        (worker) =>
          new Promise<void>((done, fail) => {
            worker.once('error', fail);
            worker.once('exit', (code) => (code === 0 ? done() : fail(new Error(`exit ${code}`))));
          }),
      );
      await Promise.all(
        workers.map((worker) => new Promise((ready) => worker.once('message', ready))),
      );
      for (const worker of workers) worker.postMessage('go');
      const own = (async () => {
        for (let index = 0; index < perWriter; index += 1) {
          await store.audit.append(orgId, chainedRow(orgId, { writer: 'main', index }));
          await sleep(1);
        }
      })();
      await Promise.all([...finished, own]);
      const rows = await store.audit.range(orgId, 1);
      expect(rows.map((row) => row.seq)).toEqual(
        Array.from({ length: 3 * perWriter }, (_, i) => i + 1),
      );
      rows.forEach((row, index) => {
        expect(row.prevHash).toBe(index === 0 ? GENESIS : rows[index - 1]?.hash);
      });
      const writers = rows.map((row) => String(row.entry['writer']));
      // The writers really interleaved: otherwise this test would prove nothing about locking.
      const switches = writers.filter(
        (writer, index) => index > 0 && writer !== writers[index - 1],
      );
      expect(switches.length).toBeGreaterThan(20);
    } finally {
      await store.close();
      rmSync(threadFolder, { recursive: true, force: true });
    }
  });

  it('reports a database it cannot open as unavailable, naming the file', async () => {
    const missing = join(tmpdir(), 'castellan-no-such-folder', 'x', 'castellan.db');
    const opening = openSqliteStore(missing);
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toMatchObject({ code: 'unavailable', kind: 'unavailable' });
    await expect(opening).rejects.toThrow(missing);
  });
});
