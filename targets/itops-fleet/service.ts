/**
 * One service of the fleet (web, api, payments): a small HTTP server with a simulated connection
 * pool. With `--leak-ms N` the pool leaks one connection at a time until, after N ms, it is
 * exhausted: /health answers 503 and the log fills with ERROR lines. A fresh process (a restart)
 * starts with a full pool and no leak. Started by fleet.ts, never on its own in the demo.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { integerFlag, logLine, readFlags } from './arguments.js';

const flags = readFlags(process.argv.slice(2), ['name', 'dir', 'port', 'tick-ms', 'leak-ms']);
const name = flags.get('name') ?? '';
const dir = flags.get('dir') ?? '';
if (!/^[a-z][a-z0-9-]{0,39}$/.test(name) || dir === '')
  throw new Error('--name and --dir are required');
const tickMs = Math.max(50, integerFlag(flags, 'tick-ms', 1000));
const leakMs = integerFlag(flags, 'leak-ms', 0);
const logFile = join(dir, 'logs', `${name}.log`);
const log = (level: 'INFO' | 'WARN' | 'ERROR', message: string): void =>
  appendFileSync(logFile, logLine(level, name, message));

const config = JSON.parse(readFileSync(join(dir, 'config', `${name}.json`), 'utf8')) as {
  poolSize?: unknown;
};
const poolSize = typeof config.poolSize === 'number' && config.poolSize > 0 ? config.poolSize : 8;
let free = poolSize;
let served = 0;
log('INFO', `starting pid=${process.pid} poolSize=${poolSize}`);

const server = createServer((request, response) => {
  served += 1;
  const healthy = free > 0;
  const body: Record<string, unknown> =
    request.url === '/health'
      ? { status: healthy ? 'ok' : 'degraded', pool: { size: poolSize, free }, pid: process.pid }
      : { service: name, message: healthy ? `hello from ${name}` : 'service unavailable' };
  if (!healthy) body.reason = 'connection pool exhausted';
  response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
});

const timers: NodeJS.Timeout[] = [];
timers.push(
  setInterval(() => {
    if (free > 0) log('INFO', `served ${served} requests, pool free ${free}/${poolSize}`);
    else log('ERROR', `connection pool exhausted (0/${poolSize} free), rejecting requests`);
  }, tickMs),
);
if (leakMs > 0) {
  const leak = setInterval(
    () => {
      free = Math.max(0, free - 1);
      if (free > 0) {
        log('WARN', `connection not returned to pool, free ${free}/${poolSize}`);
      } else {
        log('ERROR', `connection pool exhausted (0/${poolSize} free)`);
        clearInterval(leak);
      }
    },
    Math.max(10, Math.floor(leakMs / poolSize)),
  );
  timers.push(leak);
}

let stopping = false;
function stop(reason: string): void {
  if (stopping) return;
  stopping = true;
  log('INFO', `stopping (${reason})`);
  for (const timer of timers) clearInterval(timer);
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
// The manager holds our stdin open: its end means the manager is gone, and we go with it.
process.stdin.on('end', () => stop('manager gone'));
process.stdin.on('close', () => stop('manager gone'));
process.stdin.resume();
const parent = process.ppid;
timers.push(
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      stop('manager gone');
    }
  }, 500),
);

server.listen(Number(flags.get('port') ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  log('INFO', `listening on 127.0.0.1:${port}`);
  process.stdout.write(`${JSON.stringify({ listening: port })}\n`);
});
