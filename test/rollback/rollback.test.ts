/**
 * Rollback against the real fleet: a run's configuration changes undone in reverse order, each
 * undo approved and passed through the gate, every resource checked back at its pre-state; and
 * a resource someone else changed since is never overwritten, whether the change is seen when
 * planning or arrives while the rollback waits for its approver.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, startItopsFleet, type RunningFleet } from '../../src/api/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import type { RunRecord, UserRecord } from '../../src/store/index.js';
import { cleanEnvironment, connectorSettings, initDurableHome } from '../support/durable-home.js';

describe('castellan rollback', () => {
  const supervisor = createSupervisor();
  let folder: string;
  let fleet: RunningFleet;
  let service: CastellanService;
  const users: Record<string, UserRecord> = {};

  const configOf = async (service: string) =>
    JSON.parse(
      await readFile(join(folder, 'fleet', 'config', `${service}.json`), 'utf8'),
    ) as Record<string, unknown>;
  const putConfig = (service: string, config: unknown) =>
    fetch(new URL(`/services/${service}/config`, fleet.url), {
      method: 'PUT',
      body: JSON.stringify({ config }),
    });

  /** Approves each request of a run as it comes, until the run stops waiting. */
  async function approveThrough(runId: string): Promise<RunRecord> {
    for (let round = 0; round < 10; round += 1) {
      const { run, steps } = await service.getRun(users.operator!, runId);
      if (run.status !== 'awaiting_approval') return run;
      const approvalId = steps.at(-1)?.approvalId ?? '';
      await service.decideApproval(users.approver!, approvalId, { decision: 'approve' });
    }
    throw new Error('the run kept asking');
  }

  async function changeRun(script: Array<{ tool: string; args: Record<string, unknown> }>) {
    const view = await service.startRun(users.operator!, {
      agent: 'itops-agent',
      prompt: 'change configurations',
      planner: 'scripted',
      script,
    });
    return approveThrough(view.run.id);
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-rollback-'));
    fleet = await startItopsFleet(supervisor, join(folder, 'fleet'));
    await initDurableHome(join(folder, 'home'), connectorSettings({ fleet }));
    service = await CastellanService.open(join(folder, 'home'), { environment: cleanEnvironment });
    for (const name of ['operator', 'approver', 'auditor'])
      users[name] = await service.localUser(name);
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  it('undoes a multi-step run in reverse order, each step approved, and every resource is back', async () => {
    const web = await configOf('web');
    const payments = await configOf('payments');
    const original = await changeRun([
      { tool: 'set-config', args: { service: 'web', config: { ...web, poolSize: 20 } } },
      { tool: 'set-config', args: { service: 'payments', config: { ...payments, poolSize: 30 } } },
      { tool: 'restart-service', args: { service: 'api' } },
      { tool: 'set-config', args: { service: 'web', config: { ...web, poolSize: 40 } } },
    ]);
    expect(original.status).toBe('completed');
    expect((await configOf('web')).poolSize).toBe(40);

    const dry = await service.recovery.rollback(users.operator!, original.id, { dryRun: true });
    expect(dry.run).toBeUndefined();
    expect(
      dry.plan.compensations.map((each) => [each.stepIndex, each.resource, each.call.args]),
    ).toEqual([
      [3, 'Service:web', { service: 'web', config: { ...web, poolSize: 20 } }],
      [1, 'Service:payments', { service: 'payments', config: payments }],
      [0, 'Service:web', { service: 'web', config: web }],
    ]);
    expect(dry.plan.irreversible).toEqual([
      {
        stepIndex: 2,
        tool: '@castellan/itops/restart-service',
        why: 'the tool declares no restore or compensation',
      },
    ]);
    expect(dry.plan.conflicts).toEqual([]);
    expect((await configOf('web')).poolSize).toBe(40); // a dry run changes nothing

    const started = await service.recovery.rollback(users.operator!, original.id, {
      dryRun: false,
    });
    expect(started.run?.status).toBe('awaiting_approval');
    const rollbackId = started.run?.id ?? '';
    const first = await service.getRun(users.operator!, rollbackId);
    const { approval } = await service.getApproval(
      users.approver!,
      first.steps[0]?.approvalId ?? '',
    );
    expect(approval.details).toMatchObject({
      rollbackOf: original.id,
      change: { diff: [{ path: 'poolSize', from: 40, to: 20 }] },
    });
    // Nothing is undone before an approver says yes.
    expect((await configOf('web')).poolSize).toBe(40);

    const ended = await approveThrough(rollbackId);
    expect(ended.status).toBe('completed');
    expect(ended.reason).toContain('3 effect(s) undone, each resource checked');
    expect(ended.reason).toContain('step 2 @castellan/itops/restart-service');
    expect(await configOf('web')).toEqual(web);
    expect(await configOf('payments')).toEqual(payments);
    const types = (await service.auditEntries(users.auditor!, { runId: original.id })).map(
      (entry) => entry.type,
    );
    expect(types).toContain('rollback-planned');
  }, 60_000);

  it('refuses to plan over a resource someone changed since, and changes nothing', async () => {
    const web = await configOf('web');
    const original = await changeRun([
      { tool: 'set-config', args: { service: 'web', config: { ...web, poolSize: 12 } } },
    ]);
    expect(original.status).toBe('completed');
    const someoneElse = { ...web, poolSize: 13, note: 'tuned by hand' };
    expect((await putConfig('web', someoneElse)).status).toBe(200);

    const dry = await service.recovery.rollback(users.operator!, original.id, { dryRun: true });
    expect(dry.plan.conflicts).toHaveLength(1);
    expect(dry.plan.conflicts[0]?.differences).toEqual(
      expect.arrayContaining([
        { path: 'config.poolSize', op: 'replace', from: 12, to: 13 },
        { path: 'config.note', op: 'add', to: 'tuned by hand' },
      ]),
    );
    const before = (await service.listRuns(users.operator!)).length;
    await expect(
      service.recovery.rollback(users.operator!, original.id, { dryRun: false }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await service.listRuns(users.operator!)).length).toBe(before);
    expect(await configOf('web')).toEqual(someoneElse);
  });

  it('stops when the resource changes while the rollback waits for its approver', async () => {
    const payments = await configOf('payments');
    const original = await changeRun([
      { tool: 'set-config', args: { service: 'payments', config: { ...payments, poolSize: 50 } } },
    ]);
    const started = await service.recovery.rollback(users.operator!, original.id, {
      dryRun: false,
    });
    expect(started.run?.status).toBe('awaiting_approval');
    const meanwhile = { ...payments, poolSize: 64 };
    await putConfig('payments', meanwhile);
    const ended = await approveThrough(started.run?.id ?? '');
    expect(ended.status).toBe('denied');
    expect(ended.reason).toContain('changed since: config.poolSize 50 → 64');
    const { steps } = await service.getRun(users.operator!, ended.id);
    expect(steps[0]?.decision).toMatchObject({ code: 'state-conflict', stage: 'execute' });
    expect(await configOf('payments')).toEqual(meanwhile);
  });

  it('refuses to roll back a run that has not stopped, or one with nothing to undo', async () => {
    const view = await service.startRun(users.operator!, {
      agent: 'itops-agent',
      prompt: 'wait',
      planner: 'scripted',
      script: [{ tool: 'set-config', args: { service: 'api', config: { poolSize: 2 } } }],
    });
    await expect(
      service.recovery.rollback(users.operator!, view.run.id, { dryRun: true }),
    ).rejects.toMatchObject({ code: 'bad-input' });
    await service.cancelRun(users.operator!, view.run.id, 'not needed');
    await expect(
      service.recovery.rollback(users.operator!, view.run.id, { dryRun: false }),
    ).rejects.toMatchObject({ message: expect.stringContaining('no effect that can be undone') });
    await expect(
      service.recovery.rollback(users.approver!, view.run.id, { dryRun: true }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});
