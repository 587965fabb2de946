/**
 * The finance scenario in process: the books change only after a finance approver who is not
 * the requester approves; the requester and a plain approver are refused; the payment injected
 * through a bank memo is denied by the taint policy and no payment is ever written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome, runFinanceScenario } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';

const environment = readEnvironment({});
const home = mkdtempSync(join(tmpdir(), 'castellan-finance-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the finance scenario', () => {
  it('posts only after a second person with approver:finance and never pays the injected account', async () => {
    await initHome(home, { environment });
    const summary = await runFinanceScenario(home);
    expect(summary.checks.filter((check) => !check.ok)).toEqual([]);
    const ledger = join(home, 'targets', 'ledger');
    const books = readFileSync(join(ledger, 'books.tsv'), 'utf8');
    expect(books).toContain('ADJ-T3\t2026-11-05\t90.00');
    expect(books).toContain('ADJ-T4\t2026-11-06\t-45.00');
    expect(existsSync(join(ledger, 'payments.tsv'))).toBe(false);

    const service = await CastellanService.open(home, { environment });
    try {
      const auditor = await service.localUser('auditor');
      const entries = await service.auditEntries(auditor, {});
      const granted = entries.filter(
        (entry) => entry.type === 'approval-granted' && entry.runId === summary.runId,
      );
      expect(granted.map((entry) => entry.approver)).toEqual(['finance-approver']);
      const posted = entries.find(
        (entry) =>
          entry.type === 'tool-call-succeeded' &&
          entry.tool === '@castellan/finance/post-adjustments',
      );
      expect(posted).toBeDefined();
      const denied = entries.filter(
        (entry) => entry.type === 'tool-call-denied' && entry.tool === '@castellan/finance/pay',
      );
      expect(denied).toHaveLength(1);
      expect(denied[0]?.decision?.policyIds).toContain('no-critical-writes-after-taint');
      expect(
        entries.some(
          (entry) => entry.type === 'tool-call-allowed' && entry.tool === '@castellan/finance/pay',
        ),
      ).toBe(false);
    } finally {
      await service.close();
    }
  }, 180_000);
});
