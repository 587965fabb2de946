/**
 * The itops fleet manager, a stand-in for an enterprise's service manager (not part of Castellan).
 *
 *   node --import tsx targets/itops-fleet/fleet.ts --dir <stateDir> --port 0
 *     [--degrade-after-ms 3000] [--tick-ms 1000] [--incident payments|none]
 *
 * Starts web, api and payments as child processes, logging to <dir>/logs/<name>.log and reading
 * <dir>/config/<name>.json. The incident service (payments) leaks connections until, after
 * --degrade-after-ms, it answers 503; a restart brings a fresh, healthy process. Prints one line
 * `{"listening":"http://127.0.0.1:PORT"}` when ready. SIGTERM or SIGINT stop every child first.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { integerFlag, logLine, readFlags } from './arguments.js';
import { handle } from './fleet-api.js';
import { defaultConfigs, Fleet } from './fleet-state.js';

const flags = readFlags(process.argv.slice(2), [
  'dir',
  'port',
  'degrade-after-ms',
  'tick-ms',
  'incident',
]);
const dirFlag = flags.get('dir');
if (dirFlag === undefined) throw new Error('--dir <stateDir> is required');
const dir = resolve(dirFlag);
mkdirSync(join(dir, 'logs'), { recursive: true });
mkdirSync(join(dir, 'config'), { recursive: true });
for (const [name, config] of Object.entries(defaultConfigs)) {
  const file = join(dir, 'config', `${name}.json`);
  if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}
const log = (level: 'INFO' | 'WARN' | 'ERROR', message: string): void =>
  appendFileSync(join(dir, 'fleet.log'), logLine(level, 'fleet', message));

const fleet = new Fleet({
  dir,
  tickMs: integerFlag(flags, 'tick-ms', 1000),
  degradeAfterMs: integerFlag(flags, 'degrade-after-ms', 3000),
  incident: flags.get('incident') ?? 'payments',
  log,
});

const server = createServer((request, response) => {
  handle(fleet, request, response).catch((error: unknown) => {
    log('ERROR', `${request.method} ${request.url}: ${String(error)}`);
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'internal error' }));
  });
});

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('INFO', `stopping (${reason})`);
  server.close();
  server.closeAllConnections();
  await fleet.stopAll();
  log('INFO', 'all services stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

log('INFO', `starting in ${dir} pid=${process.pid}`);
try {
  await fleet.startAll();
} catch (error) {
  log('ERROR', `start failed: ${String(error)}`);
  await shutdown('start failed');
}
server.listen(integerFlag(flags, 'port', 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  log('INFO', `listening on 127.0.0.1:${port}`);
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${port}` })}\n`);
});
