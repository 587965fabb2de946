/**
 * The compliance scenario in process: the matter's records are held in the store and their
 * redacted copies are in the hold folder; personal data toward outside counsel is blocked; a
 * held record survives a policy-forbidden delete and an approved one the store refuses; and the
 * auditor's evidence export has the matter's calls with their decisions.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initHome, runComplianceScenario } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';

const environment = readEnvironment({});
const home = mkdtempSync(join(tmpdir(), 'castellan-compliance-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the compliance scenario', () => {
  it('holds and archives redacted copies, keeps personal data in and held records undeleted', async () => {
    await initHome(home, { environment });
    const summary = await runComplianceScenario(home);
    expect(summary.checks.filter((check) => !check.ok)).toEqual([]);
    const store = join(home, 'targets', 'records-store');
    const held = readFileSync(join(store, 'records.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { id: string; hold: string | null; tags: string[] });
    expect(held).toHaveLength(24);
    const ids = held.filter((record) => record.hold === 'MATTER-2026-014').map((r) => r.id);
    expect(ids).toEqual(
      ['R001', 'R003', 'R005', 'R007', 'R009', 'R011'].concat([
        'R013',
        'R015',
        'R017',
        'R019',
        'R021',
        'R023',
      ]),
    );
    const copies = readdirSync(join(store, 'hold', 'MATTER-2026-014')).sort();
    expect(copies).toEqual(ids.map((id) => `${id}.json`));
    const copy = JSON.parse(
      readFileSync(join(store, 'hold', 'MATTER-2026-014', copies[0] ?? ''), 'utf8'),
    ) as { body: string; redacted: boolean };
    expect(copy.redacted).toBe(true);
    expect(copy.body).toContain('[EMAIL]');
    expect(copy.body).toContain('[PHONE]');
    expect(copy.body).not.toMatch(/@example\.com/);
    expect(existsSync(join(store, 'outbox', 'sent.tsv'))).toBe(false);

    const evidence = readFileSync(join(store, 'hold', 'MATTER-2026-014.evidence.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { type: string; tool?: string; runId?: string });
    expect(evidence.every((entry) => entry.runId === summary.runId)).toBe(true);
    expect(
      evidence.filter((entry) => entry.type === 'tool-call-succeeded').map((entry) => entry.tool),
    ).toEqual([
      '@castellan/compliance/search-records',
      '@castellan/compliance/tag-and-hold',
      '@castellan/compliance/archive-redacted',
    ]);
  }, 180_000);
});
