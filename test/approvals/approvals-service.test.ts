/**
 * Approvals through the application service and the HTTP server, on a home made by `init`,
 * against the real fleet and a local webhook receiver: what the request shows, notifications to
 * JSON, Slack and Teams webhooks, a decision by signed one-time link (and its replay refused),
 * and expiry ending a waiting run with nobody touching it.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, startItopsFleet, type RunningFleet } from '../../src/api/index.js';
import { ManualClock } from '../../src/core/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import type { UserRecord } from '../../src/store/index.js';
import { cleanEnvironment, connectorSettings, initDurableHome } from '../support/durable-home.js';

const newConfig = { poolSize: 16, dbHost: 'db.internal', currency: 'EUR' };

describe('approvals that show what will happen, notify, and decide by link', () => {
  const supervisor = createSupervisor();
  const received: Array<{ path: string; body: any }> = [];
  let receiver: Server;
  let folder: string;
  let home: string;
  let fleet: RunningFleet;
  let service: CastellanService;
  let server: RunningServer;
  const users: Record<string, UserRecord> = {};

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-approvals-'));
    home = join(folder, 'home');
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '/', body: JSON.parse(text) });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const hooks = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    fleet = await startItopsFleet(supervisor, join(folder, 'fleet'));
    await initDurableHome(home, {
      ...connectorSettings({ fleet }),
      approvals: { linkBaseUrl: 'https://castellan.example', linkTtlSeconds: 600 },
      notifications: {
        webhooks: [
          { name: 'ops-json', format: 'json', url: `${hooks}/json` },
          { name: 'ops-slack', format: 'slack', url: `${hooks}/slack` },
          { name: 'ops-teams', format: 'teams', url: `${hooks}/teams` },
        ],
      },
    });
    service = await CastellanService.open(home, { environment: cleanEnvironment });
    for (const name of ['operator', 'approver', 'approver2', 'auditor'])
      users[name] = await service.localUser(name);
    server = await startServer(service, { host: '127.0.0.1', port: 0 });
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await service?.close();
    await supervisor.stopAll();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await rm(folder, { recursive: true, force: true });
  });

  it('holds a config change with its diff, current state and who may not decide, and notifies every webhook', async () => {
    const view = await service.startRun(users.operator!, {
      agent: 'itops-agent',
      prompt: 'raise the payments pool',
      planner: 'scripted',
      script: [{ tool: 'set-config', args: { service: 'payments', config: newConfig } }],
    });
    expect(view.run.status).toBe('awaiting_approval');
    const approvalId = view.steps[0]?.approvalId ?? '';
    const { approval } = await service.getApproval(users.approver!, approvalId);
    expect(approval.details).toMatchObject({
      tool: { id: '@castellan/itops/set-config', risk: 'high' },
      args: { service: 'payments', config: newConfig },
      provenance: { runTainted: false },
      resource: { type: 'Service', id: 'payments', currentState: { config: { poolSize: 8 } } },
      change: { diff: [{ path: 'poolSize', op: 'replace', from: 8, to: 16 }] },
    });
    expect(approval.forbiddenApprovers).toEqual([
      { user: 'admin', why: 'agent-owner' },
      { user: 'castellan', why: 'pack-publisher' },
    ]);
    // The file is unchanged until someone approves.
    const file = join(folder, 'fleet', 'config', 'payments.json');
    expect(JSON.parse(await readFile(file, 'utf8')).poolSize).toBe(8);

    expect(await service.approvalWork.deliver()).toBe(3);
    const paths = received.map((each) => each.path).sort();
    expect(paths).toEqual(['/json', '/slack', '/teams']);
    const json = received.find((each) => each.path === '/json')?.body;
    expect(json.approval.id).toBe(approvalId);
    expect(json.links.map((link: { approver: string }) => link.approver).sort()).toEqual([
      'approver',
      'approver2',
    ]);
    const types = (await service.auditEntries(users.auditor!, { runId: view.run.id })).map(
      (entry) => entry.type,
    );
    expect(types.filter((type) => type === 'notification-delivered')).toHaveLength(3);
  });

  it('decides by a signed one-time link over HTTP without a bearer token, resumes the run, and refuses a replay', async () => {
    const json = received.find((each) => each.path === '/json')?.body;
    const link = json.links.find((each: { approver: string }) => each.approver === 'approver');
    const path = new URL(link.approve as string).pathname;
    // A GET (a chat app unfurling the link) shows the request and decides nothing.
    const look = await fetch(new URL(path, server.url), { headers: { accept: 'text/html' } });
    expect(look.status).toBe(200);
    expect(await look.text()).toContain('Approve as approver?');
    expect((await service.getApproval(users.approver!, json.approval.id)).decisions).toEqual([]);

    const tampered = `${path.slice(0, -3)}${path.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await fetch(new URL(tampered, server.url), { method: 'POST' })).status).toBe(401);

    const decided = await fetch(new URL(path, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'pool too small' }),
    });
    expect(decided.status).toBe(200);
    expect(await decided.json()).toMatchObject({ status: 'approved' });
    await service.settle();
    const run = await service.getRun(users.operator!, json.approval.runId);
    expect(run.run.status).toBe('completed');
    const file = join(folder, 'fleet', 'config', 'payments.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(newConfig);

    const replay = await fetch(new URL(path, server.url), { method: 'POST' });
    expect(replay.status).toBe(409);
    const refusal = (await replay.json()) as { error: { code: string } };
    expect(refusal.error.code).toBe('approvals/link-used');
    const granted = (await service.auditEntries(users.auditor!, { runId: run.run.id })).find(
      (entry) => entry.type === 'approval-granted',
    );
    expect(granted).toMatchObject({ approver: 'approver', details: { via: 'link' } });
  });
});

describe('expiry ends a waiting run with nobody touching it', () => {
  const supervisor = createSupervisor();
  let folder: string;
  let fleet: RunningFleet;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-expiry-'));
    fleet = await startItopsFleet(supervisor, join(folder, 'fleet'));
    await initDurableHome(join(folder, 'home'), {
      ...connectorSettings({ fleet }),
      approvals: { expiresAfterSeconds: 600 },
    });
  }, 90_000);

  afterAll(async () => {
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  it('sweeps the expired request as a deny and the run ends denied, the change never made', async () => {
    const clock = new ManualClock(Date.now());
    const service = await CastellanService.open(join(folder, 'home'), {
      environment: cleanEnvironment,
      clock,
    });
    try {
      const operator = await service.localUser('operator');
      const auditor = await service.localUser('auditor');
      const view = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'raise the web pool',
        planner: 'scripted',
        script: [{ tool: 'set-config', args: { service: 'web', config: { poolSize: 99 } } }],
      });
      expect(view.run.status).toBe('awaiting_approval');
      expect((await service.approvalWork.sweep()).expired).toEqual([]);
      clock.advance(601_000);
      const report = await service.approvalWork.sweep();
      expect(report.expired).toEqual([
        { approvalId: view.steps[0]?.approvalId, runId: view.run.id, runStatus: 'denied' },
      ]);
      const run = await service.getRun(operator, view.run.id);
      expect(run.run.status).toBe('denied');
      expect(run.run.reason).toContain('expired');
      const config = JSON.parse(
        await readFile(join(folder, 'fleet', 'config', 'web.json'), 'utf8'),
      );
      expect(config.poolSize).toBe(8);
      const types = (await service.auditEntries(auditor, { runId: view.run.id })).map(
        (entry) => entry.type,
      );
      expect(types).toContain('approval-expired');
      expect(types.at(-1)).toBe('run-status-changed');
      expect(types).not.toContain('tool-call-allowed');
    } finally {
      await service.close();
    }
  });
});
