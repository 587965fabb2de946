/**
 * Revocation across processes: `castellan serve` (one process) runs a tool call that stays in
 * flight; the CLI (another process, sharing the SQLite store) turns on the kill switch or revokes
 * the agent's tokens. The call in flight must stop within one second of the revocation being
 * written, the run must end halted with the reason, new calls must be refused, and all of it
 * must be in the audit log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { castellan, serve } from '../support/cli.js';
import { patchConfig, temporaryFolder } from '../support/home.js';

const folder = temporaryFolder('castellan-revoke-');
const home = join(folder.path, 'home');
let server: { url: string; stop: () => Promise<void> };
let keys: Record<string, string>;

interface AuditEntry {
  seq: number;
  time: string;
  type: string;
  stepIndex?: number;
  details?: Record<string, unknown>;
  decision?: { reasons?: string[] };
}

beforeAll(async () => {
  const init = await castellan(['init', '--home', home, '--json']);
  expect(init.code, init.stderr).toBe(0);
  const config = JSON.parse(readFileSync(join(home, 'castellan.json'), 'utf8')) as {
    packs: { paths: string[] };
  };
  patchConfig(home, {
    environment: 'dev',
    packs: {
      paths: [...config.packs.paths, join(import.meta.dirname, '__fixtures__', 'packs')],
      allowUnsignedIn: ['dev'],
    },
    sandbox: { timeoutMs: 60_000 },
  });
  keys = (
    JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
      keys: Record<string, string>;
    }
  ).keys;
  const store = await openSqliteStore(join(home, 'castellan.db'));
  try {
    for (const id of ['slow-bot', 'other-bot']) {
      await store.agents.upsert({
        orgId: 'default',
        id,
        description: 'waits in the sandbox',
        owner: 'admin',
        environment: 'dev',
        packs: ['@test/slowkit'],
        scopes: ['test:wait.run'],
        planner: { kind: 'scripted' },
        createdAt: new Date().toISOString(),
      });
    }
  } finally {
    await store.close();
  }
  server = await serve(home);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  folder.remove();
});

async function api(method: string, path: string, as: string, body?: unknown): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${keys[as]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

async function startRun(agent: string, tool: string): Promise<string> {
  const view = await api('POST', '/v1/runs?mode=background', 'operator', {
    agent,
    prompt: 'wait',
    planner: 'scripted',
    script: [{ tool: `slowkit/${tool}` }],
  });
  expect(view.run?.id, JSON.stringify(view)).toBeDefined();
  return view.run.id as string;
}

async function entries(runId: string): Promise<AuditEntry[]> {
  return (await api('GET', `/v1/audit?runId=${runId}`, 'auditor')).entries as AuditEntry[];
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the call's intent is recorded and the sleep is under way. */
async function inFlight(runId: string): Promise<void> {
  await until('the call to be in flight', async () =>
    (await entries(runId)).some((entry) => entry.type === 'tool-call-allowed') ? true : undefined,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** The time the call in flight was recorded as stopped. */
async function stoppedAt(runId: string): Promise<AuditEntry> {
  return until('the call to stop', async () =>
    (await entries(runId)).find((entry) => entry.type === 'tool-call-denied'),
  );
}

describe('revocation across two processes', () => {
  it('the kill switch, set by the CLI, stops a call in flight in the server within a second', async () => {
    const runId = await startRun('slow-bot', 'wait');
    await inFlight(runId);
    const cli = await castellan([
      'killswitch',
      'on',
      '--reason',
      'drill',
      '--as',
      'secadmin',
      '--home',
      home,
      '--json',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const engagedAt = Date.parse(cli.json.state.changedAt as string);
    const stopped = await stoppedAt(runId);
    const latency = Date.parse(stopped.time) - engagedAt;
    expect(latency).toBeLessThan(1000);
    expect(stopped.details).toMatchObject({ stage: 'execute', code: 'revoked-in-flight' });
    expect(stopped.decision?.reasons?.join(' ')).toContain('kill switch');

    const run = (await api('GET', `/v1/runs/${runId}`, 'operator')).run;
    expect(run.status).toBe('cancelled');
    // Whichever process gets there first halts it; either way the state says why.
    expect(run.reason).toMatch(/^halted: .*kill switch is on/);

    // While it is on, nothing new runs: the run cannot even get a token.
    const blocked = await startRun('other-bot', 'quick');
    const halted = await until('the new run to be halted', async () => {
      const view = (await api('GET', `/v1/runs/${blocked}`, 'operator')).run;
      return view.status === 'cancelled' ? view : undefined;
    });
    expect(halted.reason).toContain('kill switch');
    expect((await entries(blocked)).map((entry) => entry.type)).not.toContain('tool-call-allowed');

    const off = await castellan([
      'killswitch',
      'off',
      '--reason',
      'drill over',
      '--as',
      'secadmin',
      '--home',
      home,
      '--json',
    ]);
    expect(off.code, off.stderr).toBe(0);
    const after = await startRun('other-bot', 'quick');
    const done = await until('a run after the drill to complete', async () => {
      const view = (await api('GET', `/v1/runs/${after}`, 'operator')).run;
      return ['completed', 'failed', 'denied', 'cancelled'].includes(view.status)
        ? view
        : undefined;
    });
    expect(done.status).toBe('completed');

    const log = (await api('GET', '/v1/audit?limit=10000', 'auditor')).entries as AuditEntry[];
    const types = log.map((entry) => entry.type);
    expect(types).toContain('kill-switch-engaged');
    expect(types).toContain('kill-switch-released');
  }, 90_000);

  it('revoking an agent’s tokens from the CLI stops its call in flight and spares other agents', async () => {
    const runId = await startRun('slow-bot', 'wait');
    const bystander = await startRun('other-bot', 'wait');
    await inFlight(runId);
    await inFlight(bystander);
    const cli = await castellan([
      'tokens',
      'revoke',
      '--agent',
      'slow-bot',
      '--reason',
      'compromised',
      '--as',
      'secadmin',
      '--home',
      home,
      '--json',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const revokedAt = Date.parse(cli.json.at as string);
    const stopped = await stoppedAt(runId);
    expect(Date.parse(stopped.time) - revokedAt).toBeLessThan(1000);
    expect(stopped.decision?.reasons?.join(' ')).toContain('revoked');
    const run = (await api('GET', `/v1/runs/${runId}`, 'operator')).run;
    expect(run.status).toBe('cancelled');
    expect(run.reason).toMatch(/^halted: .*(revoked|agent slow-bot)/);

    // The other agent's call is still running; the revocation was audited.
    const other = (await api('GET', `/v1/runs/${bystander}`, 'operator')).run;
    expect(other.status).toBe('running');
    expect((await entries(bystander)).map((entry) => entry.type)).not.toContain('tool-call-denied');
    const log = (await api('GET', '/v1/audit?limit=10000', 'auditor')).entries as AuditEntry[];
    expect(log.find((entry) => entry.type === 'token-revoked')?.details).toMatchObject({
      subject: { kind: 'agent', id: 'slow-bot' },
      reason: 'compromised',
    });
    await api('POST', `/v1/runs/${bystander}/cancel`, 'operator', { reason: 'test over' });
  }, 90_000);
});
