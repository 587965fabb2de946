import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../store/index.js';
import { checkInbound } from './data-check.js';

const folder = mkdtempSync(join(tmpdir(), 'castellan-vault-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const first = 'sk-abcdefghijklmnopqrstuvwxyz123456';
const second = 'sk-zyxwvutsrqponmlkjihgfedcba654321';

function inbound(store: Parameters<typeof checkInbound>[0], token: string) {
  return checkInbound(store, {
    orgId: 'default',
    runId: 'run_v',
    output: { token },
    untrusted: false,
    at: '2026-01-01T00:00:00.000Z',
  });
}

describe('the run vault toward the model', () => {
  it('numbers placeholders across processes, and reads the vault only for values new to this one', async () => {
    const path = join(folder, 'castellan.db');
    const here = await openSqliteStore(path);
    const there = await openSqliteStore(path);
    try {
      expect((await inbound(here, first)).output).toEqual({ token: '[SECRET_1]' });
      // Another process sharing the database numbers a value this one has not seen.
      expect((await inbound(there, second)).output).toEqual({ token: '[SECRET_2]' });
      const reads = vi.spyOn(here.guardVault, 'forRun');
      expect((await inbound(here, first)).output).toEqual({ token: '[SECRET_1]' });
      expect(reads).not.toHaveBeenCalled();
      expect((await inbound(here, second)).output).toEqual({ token: '[SECRET_2]' });
      expect(reads).toHaveBeenCalledTimes(1);
      expect(await here.guardVault.forRun('default', 'run_v')).toHaveLength(2);
    } finally {
      await here.close();
      await there.close();
    }
  });
});
