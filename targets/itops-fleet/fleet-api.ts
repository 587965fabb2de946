/** The fleet manager's HTTP API over its services. */
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Fleet } from './fleet-state.js';

const maxTailBytes = 256 * 1024;

/** The last `lines` lines of a log file (reads at most its last 256 KiB). */
export async function tailLines(file: string, lines: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxTailBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    if (length < size) all.shift(); // the first line is probably cut
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}

const maxConfigBytes = 64 * 1024;

/** The request body as a JSON object, or a reason why not (too large, not JSON, not an object). */
async function readConfigBody(
  request: IncomingMessage,
): Promise<{ ok: true; config: Record<string, unknown> } | { ok: false; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxConfigBytes)
      return { ok: false, error: `the body passes ${maxConfigBytes} bytes` };
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  const config = (body as { config?: unknown } | null)?.config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return { ok: false, error: 'the body must be {"config": {...}}' };
  }
  return { ok: true, config: config as Record<string, unknown> };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Routes one request; every answer is JSON. */
export async function handle(
  fleet: Fleet,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://fleet');
  const method = request.method ?? 'GET';
  if (method === 'GET' && url.pathname === '/services') {
    return send(response, 200, await fleet.list());
  }
  const match = /^\/services\/([^/]+)\/(health|logs|config|restart)$/.exec(url.pathname);
  const name = match?.[1] ?? '';
  const action = match?.[2];
  if (action === undefined)
    return send(response, 404, { error: `no route ${method} ${url.pathname}` });
  if (!fleet.has(name)) return send(response, 404, { error: `no service ${name}` });
  if (method === 'GET' && action === 'health') {
    return send(response, 200, await fleet.health(name));
  }
  if (method === 'GET' && action === 'logs') {
    const lines = Number(url.searchParams.get('lines') ?? '50');
    if (!Number.isInteger(lines) || lines < 1 || lines > 1000) {
      return send(response, 400, { error: 'lines must be an integer from 1 to 1000' });
    }
    return send(response, 200, {
      name,
      lines: await tailLines(join(fleet.dir, 'logs', `${name}.log`), lines),
    });
  }
  if (method === 'GET' && action === 'config') {
    return send(response, 200, { name, config: await fleet.config(name) });
  }
  if (method === 'PUT' && action === 'config') {
    const body = await readConfigBody(request);
    if (!body.ok) return send(response, 400, { error: body.error });
    return send(response, 200, { name, config: await fleet.setConfig(name, body.config) });
  }
  if (method === 'POST' && action === 'restart') {
    return send(response, 200, await fleet.restart(name));
  }
  return send(response, 405, { error: `${method} not allowed on ${url.pathname}` });
}
