/**
 * The itops scenario's config change and its rollback, in process: the operator's set-config
 * waits for an approver, changes the file on the fleet, and `castellan rollback` of that run
 * (approved by a second approver) writes the previous file back; the trail names both approvers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome, runItopsScenario } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';

const environment = readEnvironment({});
const home = mkdtempSync(join(tmpdir(), 'castellan-itops-rollback-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the itops scenario', () => {
  it('restarts the failing service, changes its config with approval and rolls the change back', async () => {
    await initHome(home, { environment });
    const texts: string[] = [];
    const summary = await runItopsScenario(home, (event) => {
      if (event.kind === 'approval' || event.kind === 'info') texts.push(event.text);
    });
    expect(summary.checks.filter((check) => !check.ok)).toEqual([]);
    expect(summary.rolledBack).toBe(1);
    // restart (approver), set-config (approver2), the undo step (approver)
    expect(summary.approved).toBe(3);
    expect(texts.some((text) => text.startsWith('castellan rollback '))).toBe(true);

    const service = await CastellanService.open(home, { environment });
    try {
      const auditor = await service.localUser('auditor');
      const entries = await service.auditEntries(auditor, {});
      const configCalls = entries.filter(
        (entry) => entry.type === 'tool-call-succeeded' && entry.tool?.endsWith('/set-config'),
      );
      // the change and its undo, both executed on the fleet
      expect(configCalls).toHaveLength(2);
      expect(entries.some((entry) => entry.type === 'rollback-planned')).toBe(true);
      const approvers = entries
        .filter(
          (entry) =>
            entry.type === 'approval-granted' || entry.type === 'approval-decision-recorded',
        )
        .map((entry) => entry.approver);
      expect(approvers).toEqual(expect.arrayContaining(['approver', 'approver2']));
      expect(summary.audit.ok).toBe(true);
    } finally {
      await service.close();
    }
  }, 180_000);
});
