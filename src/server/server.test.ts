import { afterEach, describe, expect, it } from 'vitest';
import type { CastellanService } from '../api/index.js';
import type { AuditEntry } from '../audit/index.js';
import type { RunRecord, UserRecord } from '../store/index.js';
import { startServer, type RunningServer } from './index.js';

// A stand-in service with just what these routes call, so the stream's timing can be driven.
interface FakeState {
  run: RunRecord;
  entries: AuditEntry[];
  pingFails: boolean;
  getRunThrows?: Error;
  polls: number;
}

const user: UserRecord = {
  orgId: 'default',
  id: 'operator',
  displayName: 'Otto',
  roles: ['operator'],
  disabled: false,
  createdAt: '2026-01-01T00:00:00Z',
};

function fakeService(state: FakeState): CastellanService {
  const fake = {
    config: { server: { bodyLimitBytes: 4096 } },
    store: {
      ping: async () =>
        state.pingFails ? Promise.reject(new Error('database is locked')) : undefined,
    },
    authenticate: async (key: string) => {
      if (key !== 'good') throw Object.assign(new Error('nope'), {});
      return user;
    },
    getRun: async () => {
      state.polls += 1;
      if (state.getRunThrows !== undefined) throw state.getRunThrows;
      return { run: { ...state.run }, steps: [] };
    },
    runEventsSince: async (_actor: UserRecord, _runId: string, afterSeq: number) =>
      state.entries.filter((entry) => entry.seq > afterSeq),
  };
  return fake as unknown as CastellanService;
}

function entry(seq: number): AuditEntry {
  return {
    seq,
    time: '2026-01-01T00:00:00Z',
    orgId: 'default',
    prevHash: '0',
    type: 'run-status-changed',
    runId: 'run_1',
    actor: { service: 'test' },
  };
}

function newState(): FakeState {
  const run = {
    orgId: 'default',
    id: 'run_1',
    agentId: 'a',
    requestedBy: 'operator',
    prompt: 'p',
    status: 'running',
    planner: { kind: 'scripted' },
    input: {},
    tainted: false,
    tokenJti: null,
    reason: null,
    stepCount: 0,
    createdAt: '',
    updatedAt: '',
    version: 1,
  } satisfies RunRecord;
  return { run, entries: [entry(1)], pingFails: false, polls: 0 };
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  marker: string,
  seen = '',
): Promise<string> {
  const decoder = new TextDecoder();
  let text = seen;
  while (!text.includes(marker)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe('server with a stand-in service', () => {
  it('answers /healthz with 503 when the store does not answer', async () => {
    const state = newState();
    state.pingFails = true;
    server = await startServer(fakeService(state), { host: '127.0.0.1', port: 0 });
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'server/store-unavailable',
    );
  });

  it('answers an unexpected error with a generic 500 that leaks nothing', async () => {
    const state = newState();
    state.getRunThrows = new Error('secret detail at /etc/castellan');
    server = await startServer(fakeService(state), { host: '127.0.0.1', port: 0 });
    const response = await fetch(`${server.url}/v1/runs/run_1`, {
      headers: { authorization: 'Bearer good' },
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'server/internal', message: expect.stringContaining('server log') },
    });
  });

  it('streams new entries and status changes as they appear, then ends when the run is terminal', async () => {
    const state = newState();
    server = await startServer(fakeService(state), { host: '127.0.0.1', port: 0 });
    const response = await fetch(`${server.url}/v1/runs/run_1/events`, {
      headers: { authorization: 'Bearer good' },
    });
    const reader = response.body!.getReader();
    let text = await readUntil(reader, '"status":"running"');
    expect(text).toContain('event: audit\nid: 1\n');
    state.entries.push(entry(2));
    text = await readUntil(reader, 'id: 2\n', text);
    state.entries.push(entry(3));
    state.run = { ...state.run, status: 'completed' };
    text = await readUntil(reader, 'event: end', text);
    expect(text).toContain('id: 3\n');
    expect(text).toContain('"status":"completed"');
    expect((await reader.read()).done).toBe(true);
    expect(text.match(/event: audit/g)).toHaveLength(3);
  });

  it('resumes after Last-Event-ID instead of repeating entries', async () => {
    const state = newState();
    state.entries.push(entry(2));
    state.run = { ...state.run, status: 'denied' };
    server = await startServer(fakeService(state), { host: '127.0.0.1', port: 0 });
    const response = await fetch(`${server.url}/v1/runs/run_1/events`, {
      headers: { authorization: 'Bearer good', 'last-event-id': '1' },
    });
    const text = await response.text();
    expect(text).not.toContain('id: 1\n');
    expect(text).toContain('id: 2\n');
  });

  it('stops polling when the client disconnects', async () => {
    const state = newState();
    server = await startServer(fakeService(state), { host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/v1/runs/run_1/events`, {
      headers: { authorization: 'Bearer good' },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await readUntil(reader, 'event: status');
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pollsAfterAbort = state.polls;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(state.polls).toBe(pollsAfterAbort);
  });

  it('ends open streams when the server closes', async () => {
    const state = newState();
    const running = await startServer(fakeService(state), { host: '127.0.0.1', port: 0 });
    const response = await fetch(`${running.url}/v1/runs/run_1/events`, {
      headers: { authorization: 'Bearer good' },
    });
    const reader = response.body!.getReader();
    await readUntil(reader, 'event: status');
    await running.close();
    const rest = await readUntil(reader, 'never-there');
    expect(rest).toContain('event: end');
    expect(rest).toContain('server closing');
  });
});
