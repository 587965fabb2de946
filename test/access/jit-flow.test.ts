/**
 * Just-in-time scopes end to end, in process on a real home and store, against the real itops
 * fleet: a run that lacks a scope pauses on a scope request; an admin approves and the run
 * completes with a re-exchanged token; a deny ends it; an elevation ends by itself when its time
 * is up; nobody decides a request for a run they started.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CastellanService,
  initHome,
  startItopsFleet,
  type RunningFleet,
} from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/index.js';
import type { RunEngine } from '../../src/runtime/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import type { UserRecord } from '../../src/store/index.js';
import { decideScopeRequest } from '../../src/tokens/index.js';
import { temporaryFolder } from '../support/home.js';

const environment = readEnvironment({});
const folder = temporaryFolder('castellan-jit-');
const supervisor = createSupervisor();
const clock = new ManualClock(Date.now());
let fleet: RunningFleet;
let service: CastellanService;
let users: Record<string, UserRecord>;

const checkWeb = [{ tool: 'itops/check-health', args: { service: 'web' } }];

beforeAll(async () => {
  const home = join(folder.path, 'home');
  await initHome(home, {
    environment,
    settings: {
      environment: 'dev',
      identity: {
        jit: { scopes: ['itops:service.read:*'], defaultSeconds: 600, maxSeconds: 3600 },
      },
    },
  });
  fleet = await startItopsFleet(supervisor, join(folder.path, 'fleet'));
  service = await CastellanService.open(home, {
    environment,
    clock,
    connectorSettings: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } },
  });
  // An agent that may see the fleet but no single service until someone grants it.
  const template = await service.store.agents.get('default', 'itops-readonly');
  if (template === undefined) throw new Error('the demo agent is missing');
  await service.store.agents.upsert({
    ...template,
    id: 'narrow-bot',
    scopes: ['itops:fleet.read'],
  });
  users = Object.fromEntries(
    (await service.store.users.list('default')).map((user) => [user.id, user]),
  );
}, 60_000);

afterAll(async () => {
  await service?.close();
  await supervisor.stopAll();
  folder.remove();
});

function user(id: string): UserRecord {
  const found = users[id];
  if (found === undefined) throw new Error(`no demo user ${id}`);
  return found;
}

async function startNarrowRun(as = 'operator') {
  return service.startRun(user(as), {
    agent: 'narrow-bot',
    prompt: 'is web healthy?',
    planner: 'scripted',
    script: checkWeb,
  });
}

async function pendingRequestOf(runId: string) {
  const requests = await service.access.grants.listRequests(user('admin'), {
    run: runId,
    status: ['pending'],
  });
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

describe('just-in-time scopes', () => {
  it('pauses a run on a scope request, and completes it once an admin approves', async () => {
    const started = await startNarrowRun();
    expect(started.run.status).toBe('awaiting_approval');
    expect(started.steps[0]).toMatchObject({ status: 'awaiting_approval' });
    const request = await pendingRequestOf(started.run.id);
    expect(request).toMatchObject({
      kind: 'jit',
      scope: 'itops:service.read:web',
      resource: 'Service::web',
      requestedBy: 'operator',
      durationSeconds: 600,
    });

    const decided = await service.access.grants.decide(user('admin'), request.id, {
      decision: 'approve',
      durationSeconds: 120,
      reason: 'look, do not touch',
    });
    expect(decided.grant).toMatchObject({
      kind: 'jit',
      runId: started.run.id,
      approvedBy: 'admin',
    });
    expect(decided.run?.status).toBe('completed');
    const view = await service.getRun(user('operator'), started.run.id);
    expect(view.steps[0]).toMatchObject({ status: 'succeeded' });
    expect(view.steps[0]?.result).toMatchObject({ name: 'web' });

    // The token that carried the scope lived no longer than the elevation.
    const entries = await service.auditEntries(user('auditor'), { runId: started.run.id });
    const minted = entries.filter((entry) => entry.type === 'token-minted');
    const elevated = minted.at(-1)?.details as {
      scopes: string[];
      expiresAt: string;
      grantIds: string[];
    };
    expect(elevated.scopes).toContain('itops:service.read:web');
    expect(elevated.grantIds).toEqual([decided.grant?.id]);
    const grantEnds = Date.parse(decided.grant?.expiresAt ?? '');
    expect(Date.parse(elevated.expiresAt)).toBeLessThanOrEqual(grantEnds);
    expect(Date.parse(elevated.expiresAt)).toBeGreaterThan(grantEnds - 1000);
    expect(entries.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['scope-requested', 'scope-granted', 'tool-call-succeeded']),
    );
  });

  it('ends the run when the admin denies, without calling the tool', async () => {
    const started = await startNarrowRun();
    const request = await pendingRequestOf(started.run.id);
    const decided = await service.access.grants.decide(user('admin'), request.id, {
      decision: 'deny',
      reason: 'not today',
    });
    expect(decided.run?.status).toBe('denied');
    expect(decided.run?.reason).toContain('was denied by admin: not today');
    const entries = await service.auditEntries(user('auditor'), { runId: started.run.id });
    expect(entries.map((entry) => entry.type)).not.toContain('tool-call-allowed');
  });

  it('ends the elevation by itself: past its time the run must ask again', async () => {
    const started = await startNarrowRun();
    const request = await pendingRequestOf(started.run.id);
    // Approve without resuming, let the minute pass, then let the engine pick the run up.
    await decideScopeRequest(
      service.store,
      'default',
      request.id,
      { id: 'admin' },
      { decision: 'approve', durationSeconds: 60 },
      clock,
    );
    clock.advance(61_000);
    const engine = (service as unknown as { engine: RunEngine }).engine;
    const run = await engine.drive('default', started.run.id);
    expect(run.status).toBe('awaiting_approval');
    const again = await pendingRequestOf(started.run.id);
    expect(again.id).not.toBe(request.id);
    const entries = await service.auditEntries(user('auditor'), { runId: started.run.id });
    expect(entries.map((entry) => entry.type)).not.toContain('tool-call-allowed');
  });

  it('lets nobody decide a request for a run they started, nor one they asked for', async () => {
    const started = await startNarrowRun('admin');
    const request = await pendingRequestOf(started.run.id);
    await expect(
      service.access.grants.decide(user('admin'), request.id, { decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'self-approval', kind: 'forbidden' });
    await expect(
      service.access.grants.decide(user('operator'), request.id, { decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect((await pendingRequestOf(started.run.id)).status).toBe('pending');
  });

  it('records a standing grant an admin approved, which later runs’ tokens carry', async () => {
    const asked = await service.access.grants.request(user('operator'), {
      agent: 'narrow-bot',
      scope: 'itops:service.read',
      reason: 'the on-call rota needs health checks',
      durationSeconds: 3600,
    });
    const decided = await service.access.grants.decide(user('admin'), asked.id, {
      decision: 'approve',
      scope: 'itops:service.read:web',
    });
    expect(decided.grant).toMatchObject({ kind: 'standing', scopes: ['itops:service.read:web'] });
    const run = await startNarrowRun();
    expect(run.run.status).toBe('completed');
    await service.access.grants.revoke(user('admin'), decided.grant!.id, { reason: 'rota over' });
    const after = await startNarrowRun();
    expect(after.run.status).toBe('awaiting_approval');
  });
});
