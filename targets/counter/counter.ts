/**
 * A counter service that records every effect it applies: the target of Castellan's crash
 * tests. Not part of Castellan. Each effect is appended (and fsynced) to `<dir>/journal.jsonl`
 * before the answer is sent, so a test can count exactly what happened, whoever crashed.
 *
 *   node --import tsx targets/counter/counter.ts --dir <stateDir> --port 0 [--delay-ms 0]
 *
 * Ready line on stdout: `{"listening":"http://127.0.0.1:PORT"}`. API (JSON):
 *   GET  /counters/:name               → { name, value }
 *   POST /counters/:name/increment     { by }  applies every time (not idempotent)
 *   POST /counters/:name/add           { by }  applies once per Idempotency-Key header
 *   PUT  /counters/:name               { value } sets the value
 *   GET  /journal                      → every recorded effect, in order
 */
import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { integerFlag, readFlags } from '../itops-fleet/arguments.js';

/** One effect as the journal records it. */
export interface JournalEntry {
  op: 'increment' | 'add' | 'set';
  counter: string;
  /** The Idempotency-Key the caller sent, if any. */
  key: string | null;
  /** False when an `add` was a replay of a key already applied (nothing changed). */
  applied: boolean;
  value: number;
  at: string;
}

const flags = readFlags(process.argv.slice(2), ['dir', 'port', 'delay-ms']);
const dir = flags.get('dir');
if (dir === undefined) throw new Error('--dir is required');
const delayMs = integerFlag(flags, 'delay-ms', 0);
const journalFile = join(dir, 'journal.jsonl');
const counters = new Map<string, number>();
const appliedKeys = new Map<string, number>();

// A restarted counter service picks up where its journal left it.
for (const line of readJournal()) {
  counters.set(line.counter, line.value);
  if (line.op === 'add' && line.key !== null && line.applied) appliedKeys.set(line.key, line.value);
}

function readJournal(): JournalEntry[] {
  let text = '';
  try {
    text = readFileSync(journalFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as JournalEntry);
}

function record(entry: JournalEntry): void {
  const fd = openSync(journalFile, 'a');
  try {
    appendFileSync(fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 4096) throw new Error('body too large');
  }
  const parsed = JSON.parse(text || '{}') as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('body must be an object');
  return parsed as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

function numberOf(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new Error(`${name} must be an integer`);
  return value;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://counter');
  const method = request.method ?? 'GET';
  if (method === 'GET' && url.pathname === '/journal') return send(response, 200, readJournal());
  const match = /^\/counters\/([a-z][a-z0-9-]{0,39})(?:\/(increment|add))?$/.exec(url.pathname);
  const name = match?.[1];
  if (name === undefined) return send(response, 404, { error: `no route ${url.pathname}` });
  const action = match?.[2];
  const key =
    typeof request.headers['idempotency-key'] === 'string'
      ? request.headers['idempotency-key']
      : null;
  if (method === 'GET' && action === undefined) {
    return send(response, 200, { name, value: counters.get(name) ?? 0 });
  }
  const input = await body(request);
  // Half the delay before the effect and half after: a caller killed in either half leaves an
  // intent with no outcome, once with and once without the effect.
  await delay(delayMs / 2);
  let entry: JournalEntry;
  const now = new Date().toISOString();
  if (method === 'PUT' && action === undefined) {
    const value = numberOf(input.value, 'value');
    counters.set(name, value);
    entry = { op: 'set', counter: name, key, applied: true, value, at: now };
  } else if (method === 'POST' && action === 'increment') {
    const value = (counters.get(name) ?? 0) + numberOf(input.by ?? 1, 'by');
    counters.set(name, value);
    entry = { op: 'increment', counter: name, key, applied: true, value, at: now };
  } else if (method === 'POST' && action === 'add') {
    const seen = key === null ? undefined : appliedKeys.get(key);
    if (seen !== undefined) {
      entry = { op: 'add', counter: name, key, applied: false, value: seen, at: now };
    } else {
      const value = (counters.get(name) ?? 0) + numberOf(input.by ?? 1, 'by');
      counters.set(name, value);
      if (key !== null) appliedKeys.set(key, value);
      entry = { op: 'add', counter: name, key, applied: true, value, at: now };
    }
  } else {
    return send(response, 405, { error: `${method} not allowed on ${url.pathname}` });
  }
  record(entry);
  await delay(delayMs / 2);
  return send(response, 200, { name, value: entry.value, applied: entry.applied });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) =>
    send(response, 400, { error: error instanceof Error ? error.message : String(error) }),
  );
});
server.listen(integerFlag(flags, 'port', 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${port}` })}\n`);
});
// A test process that dies without stopping us (kill -9, a crash) must not leave us running:
// once we are re-parented, nobody can reach or stop us, so we go.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
