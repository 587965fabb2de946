/**
 * What the sandbox costs per step: wall time to run `true` plainly (the baseline, measured in
 * the same run), under bare bubblewrap (namespaces only: the floor), through the driver without network (namespaces, seccomp, prlimit,
 * the pids cgroup for a root caller), and through the driver with the egress proxy and its
 * bridge; and the proxy's throughput over loopback, end to end from curl inside the sandbox,
 * against curl on the host straight to the same server. The three kinds of run are interleaved
 * so that load on the machine falls on all of them alike. Prints one JSON line.
 *
 *   npx tsx bench/sandbox.ts [runs]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BwrapDriver, EgressLedger } from '../src/sandbox/index.js';
import { summarise } from './stats.js';

const RUNS = Number(process.argv[2] ?? 200);
const WARMUP = 10;
const DOWNLOAD_BYTES = 64 * 1024 * 1024;
const TARGET_OVERHEAD_MS = 15;

const chunk = Buffer.alloc(1024 * 1024, 120);
const server = createServer((request, response) => {
  if (request.url !== '/big') {
    response.end('ok');
    return;
  }
  response.writeHead(200, { 'content-length': DOWNLOAD_BYTES });
  let sent = 0;
  const pump = (): void => {
    while (sent < DOWNLOAD_BYTES) {
      sent += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', pump);
    }
    response.end();
  };
  pump();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;

const plainDriver = new BwrapDriver();
const egressDriver = new BwrapDriver({
  egress: {
    allowHosts: [`localhost:${port}`],
    allowAddressRanges: ['127.0.0.0/8', '::1'],
    ledger: new EgressLedger({ bytesOut: 1024 ** 3, bytesIn: 16 * 1024 ** 3 }),
  },
});
const egress = { destinations: [{ host: 'localhost', port }], runId: 'bench' };
const base = { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 };

function plainSpawn(command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

/** CPU seconds of reaped children (utime + stime of /proc/self/stat), in clock ticks. */
function childTicks(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ", cutime and cstime are the 14th and 15th fields.
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * CPU time the children of each kind of run used, summed over all runs: unlike wall time it
 * does not grow when other work on the machine delays a step, so it shows what the sandbox
 * itself costs on a loaded host. Ticks are 10 ms; over hundreds of runs the mean is precise.
 */
const cpuTicks: Record<string, number> = {};

async function timed(name: string, action: () => Promise<unknown>): Promise<number> {
  const ticks = childTicks();
  const started = performance.now();
  await action();
  const elapsed = performance.now() - started;
  cpuTicks[name] = (cpuTicks[name] ?? 0) + childTicks() - ticks;
  return elapsed;
}

/** bubblewrap alone with every namespace unshared: what the driver cannot go below. */
const bareBwrap = [
  '/usr/bin/bwrap',
  '--unshare-all',
  '--die-with-parent',
  '--ro-bind',
  '/usr',
  '/usr',
  '--symlink',
  'usr/lib64',
  '/lib64',
  '--symlink',
  'usr/lib',
  '/lib',
  '--proc',
  '/proc',
  '--dev',
  '/dev',
  '--',
  '/usr/bin/true',
];

const samples = {
  plain: [] as number[],
  bare: [] as number[],
  driver: [] as number[],
  egress: [] as number[],
};
for (let index = 0; index < WARMUP + RUNS; index += 1) {
  const plain = await timed('plain', () => plainSpawn(['/usr/bin/true']));
  const bare = await timed('bare', () => plainSpawn(bareBwrap));
  const driver = await timed('driver', async () => {
    const result = await plainDriver.run({ ...base, command: ['true'] });
    if (result.exitCode !== 0) throw new Error(`sandboxed true failed: ${result.stderr}`);
  });
  const proxied = await timed('egress', async () => {
    const result = await egressDriver.run({ ...base, command: ['true'], egress });
    if (result.exitCode !== 0)
      throw new Error(`sandboxed true with egress failed: ${result.stderr}`);
  });
  if (index < WARMUP) {
    for (const name of Object.keys(cpuTicks)) cpuTicks[name] = 0;
    continue;
  }
  samples.plain.push(plain);
  samples.bare.push(bare);
  samples.driver.push(driver);
  samples.egress.push(proxied);
}

const download = ['curl', '-sS', '-o', '/dev/null', '-w', '%{size_download}'];
const proxySeconds: number[] = [];
const directSeconds: number[] = [];
for (let index = 0; index < 3; index += 1) {
  const url = `http://localhost:${port}/big`;
  const result = await egressDriver.run({ ...base, command: [...download, url], egress });
  if (result.stdout !== String(DOWNLOAD_BYTES)) {
    throw new Error(`proxied download got ${result.stdout} ${result.stderr}`);
  }
  proxySeconds.push(result.durationMs / 1000);
  const direct = await timed('download', () =>
    plainSpawn(['/usr/bin/curl', ...download.slice(1), url]),
  );
  directSeconds.push(direct / 1000);
}
server.close();

const plain = summarise(samples.plain);
const bare = summarise(samples.bare);
const driver = summarise(samples.driver);
const proxied = summarise(samples.egress);
const round = (value: number) => Math.round(value * 1000) / 1000;
const megabytes = DOWNLOAD_BYTES / (1024 * 1024);
const best = (values: number[]) => Math.min(...values);
console.log(
  JSON.stringify({
    bench: 'sandbox',
    runs: RUNS,
    plainSpawnMs: { p50: plain.p50, p99: plain.p99 },
    bareBwrapMs: { p50: bare.p50, p99: bare.p99 },
    driverMs: { p50: driver.p50, p99: driver.p99 },
    driverEgressMs: { p50: proxied.p50, p99: proxied.p99 },
    driverOverheadMs: { p50: round(driver.p50 - plain.p50), target: TARGET_OVERHEAD_MS },
    meetsTarget: driver.p50 - plain.p50 < TARGET_OVERHEAD_MS,
    hardeningOverBareBwrapMs: { p50: round(driver.p50 - bare.p50) },
    egressOverheadMs: { p50: round(proxied.p50 - driver.p50) },
    childCpuMsPerRun: Object.fromEntries(
      ['plain', 'bare', 'driver', 'egress'].map((name) => [
        name,
        round(((cpuTicks[name] ?? 0) * 10) / RUNS),
      ]),
    ),
    proxyThroughputMBps: round(megabytes / best(proxySeconds)),
    directThroughputMBps: round(megabytes / best(directSeconds)),
    downloadMiB: megabytes,
    profile: (await plainDriver.run({ ...base, command: ['true'] })).profile.limits,
  }),
);
