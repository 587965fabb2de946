/**
 * `castellan demo` through the CLI, as `npm run demo` runs it: all four scenarios in a fresh
 * home, every check passing, the audit log verified, and no process left behind (the fleet and
 * every sandboxed step ended with the command).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { castellan } from '../support/cli.js';

const folder = mkdtempSync(join(tmpdir(), 'castellan-demo-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Processes whose command line names the home: what the demo started and did not stop. */
function leftovers(home: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return listing.split('\n').filter((line) => line.includes(home) && !line.includes(' ps '));
}

describe('castellan demo', () => {
  it('runs the four scenarios with every check passing and leaves no process running', async () => {
    const home = join(folder, 'home');
    const result = await castellan(['demo', '--fresh', '--home', home, '--json'], {
      timeoutMs: 170_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout) as {
      scenarios: Array<{
        scenario: string;
        approved: number;
        denied: number;
        rolledBack: number;
        checks: Array<{ ok: boolean }>;
        audit: { ok: boolean };
      }>;
    };
    expect(data.scenarios.map((summary) => summary.scenario)).toEqual([
      'itops',
      'compliance',
      'finance',
      'rnd',
    ]);
    for (const summary of data.scenarios) {
      expect(summary.checks.every((check) => check.ok)).toBe(true);
      expect(summary.audit.ok).toBe(true);
    }
    expect(data.scenarios.find((summary) => summary.scenario === 'itops')?.rolledBack).toBe(1);
    expect(data.scenarios.find((summary) => summary.scenario === 'finance')?.approved).toBe(1);
    expect(leftovers(home)).toEqual([]);
  }, 180_000);
});
