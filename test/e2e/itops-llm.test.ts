/**
 * The itops scenario with the LLM planner against the fake model server, beside the same
 * scenario with the playbook: the same calls with the same arguments, the same decisions and
 * approvals, the same effect on the fleet, and an audit log that verifies. The LLM run adds its
 * model calls to the trail; everything else matches entry for entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CastellanService,
  initHome,
  runItopsScenario,
  type ScenarioSummary,
} from '../../src/api/index.js';
import type { AuditEntry } from '../../src/audit/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { castellan } from '../support/cli.js';

const environment = readEnvironment({});
const homes: string[] = [];
afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

async function scenario(
  planner: 'playbook' | 'llm',
): Promise<{ summary: ScenarioSummary; entries: AuditEntry[] }> {
  const home = mkdtempSync(join(tmpdir(), `castellan-itops-${planner}-`));
  homes.push(home);
  await initHome(home, { environment });
  const summary = await runItopsScenario(home, () => undefined, { planner });
  const service = await CastellanService.open(home, { environment });
  try {
    const auditor = await service.localUser('auditor');
    return { summary, entries: await service.auditEntries(auditor, { runId: summary.runId }) };
  } finally {
    await service.close();
  }
}

/** What a trail says about the governed calls, without times, ids and model entries. */
function governedTrail(entries: AuditEntry[]): unknown[] {
  return entries
    .filter((entry) => entry.type.startsWith('tool-call-') || entry.type.startsWith('approval-'))
    .map((entry) => ({
      type: entry.type,
      stepIndex: entry.stepIndex,
      tool: entry.tool,
      args: entry.args,
      effect: entry.decision?.effect,
      policyIds: entry.decision?.policyIds,
      approver: entry.approver,
    }));
}

describe('the itops scenario with the LLM planner', () => {
  it('has the same effects and the same governed audit trail as the playbook', async () => {
    const playbook = await scenario('playbook');
    const llm = await scenario('llm');
    for (const run of [playbook, llm]) {
      expect(run.summary.status).toBe('completed');
      expect(run.summary.checks.filter((check) => !check.ok)).toEqual([]);
      expect(run.summary.audit.ok).toBe(true);
    }
    expect(llm.summary.approved).toBe(playbook.summary.approved);
    expect(llm.summary.allowed).toBe(playbook.summary.allowed);
    expect(governedTrail(llm.entries)).toEqual(governedTrail(playbook.entries));
    expect(governedTrail(llm.entries).length).toBeGreaterThanOrEqual(10);

    const calls = llm.entries.filter((entry) => entry.type === 'model-called');
    expect(calls).toHaveLength(6);
    expect(calls.every((entry) => entry.model?.version === 'fake-gpt-4o-2024-08-06')).toBe(true);
    // Each step's entries carry the model that proposed it.
    const allowed = llm.entries.filter((entry) => entry.type === 'tool-call-allowed');
    expect(allowed.every((entry) => entry.model?.provider === 'openai-compatible')).toBe(true);
  }, 120_000);

  it('refuses an unknown planner for the demo as a usage error', async () => {
    const result = await castellan([
      'demo',
      '--planner',
      'oracle',
      '--home',
      join(tmpdir(), 'castellan-no-home'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/unknown planner oracle/);
  });
});
