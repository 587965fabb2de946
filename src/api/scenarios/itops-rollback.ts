import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { RunRecord, UserRecord } from '../../store/index.js';
import type { CastellanService } from '../service.js';
import type { ScenarioEvent } from './itops-scenario.js';

/** What the config change and its rollback did, for the itops summary. */
export interface ConfigRollbackOutcome {
  approved: number;
  rolledBack: number;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

/** The service's configuration file as the fleet keeps it (the target's state, not Castellan's). */
async function configOf(stateDir: string, service: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(stateDir, 'config', `${service}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Approves each request of a run as `approver` as it comes, until the run stops waiting. */
async function approveThrough(
  service: CastellanService,
  watcher: UserRecord,
  approver: UserRecord,
  runId: string,
  onEvent: (event: ScenarioEvent) => void,
  why: string,
): Promise<{ run: RunRecord; approved: number }> {
  let approved = 0;
  for (let round = 0; round < 10; round += 1) {
    const { run, steps } = await service.getRun(watcher, runId);
    if (run.status !== 'awaiting_approval') return { run, approved };
    const waiting = steps.at(-1);
    onEvent({
      kind: 'approval',
      text: `approving ${waiting?.tool ?? 'a step'} as "${approver.id}" (not the requester "${run.requestedBy}"): ${why}`,
    });
    const decided = await service.decideApproval(approver, waiting?.approvalId ?? '', {
      decision: 'approve',
      reason: why,
    });
    approved += decided.approval.status === 'approved' ? 1 : 0;
  }
  throw new Error(`run ${runId} kept asking for approval`);
}

/**
 * The second half of the itops scenario: the operator raises a service's pool size (set-config,
 * approved by `approver2`), then `castellan rollback` of that run (approved by `approver`) writes
 * the previous file back; the check compares the file with the one before the change.
 */
export async function changeConfigAndRollBack(
  service: CastellanService,
  stateDir: string,
  target: string,
  onEvent: (event: ScenarioEvent) => void,
): Promise<ConfigRollbackOutcome> {
  const operator = await service.localUser('operator');
  const before = await configOf(stateDir, target);
  const changed = { ...before, poolSize: 64 };
  onEvent({
    kind: 'info',
    text: `raising ${target}'s poolSize to 64 (set-config, needs approval)`,
  });
  const started = await service.startRun(operator, {
    agent: 'itops-agent',
    prompt: `raise ${target}'s connection pool`,
    planner: 'scripted',
    script: [{ tool: 'set-config', args: { service: target, config: changed } }],
  });
  const change = await approveThrough(
    service,
    operator,
    await service.localUser('approver2'),
    started.run.id,
    onEvent,
    'pool size raised after the connection leak',
  );
  const during = await configOf(stateDir, target);
  onEvent({ kind: 'run', run: change.run });
  onEvent({ kind: 'info', text: `castellan rollback ${change.run.id}` });
  const rollback = await service.recovery.rollback(operator, change.run.id, { dryRun: false });
  const undone =
    rollback.run === undefined
      ? { run: undefined, approved: 0 }
      : await approveThrough(
          service,
          operator,
          await service.localUser('approver'),
          rollback.run.id,
          onEvent,
          'undo the pool change',
        );
  if (undone.run !== undefined) onEvent({ kind: 'run', run: undone.run });
  const after = await configOf(stateDir, target);
  const restored = isDeepStrictEqual(after, before);
  return {
    approved: change.approved + undone.approved,
    rolledBack: undone.run?.status === 'completed' ? rollback.plan.compensations.length : 0,
    checks: [
      {
        name: `${target} config changed with approval`,
        ok: change.run.status === 'completed' && during.poolSize === 64,
        detail: `${change.run.status}, poolSize ${JSON.stringify(during.poolSize)}`,
      },
      {
        name: `${target} config rolled back`,
        ok: restored && undone.run?.status === 'completed',
        detail: `${undone.run?.status ?? 'no rollback run'}; before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
      },
    ],
  };
}
