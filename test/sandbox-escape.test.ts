/**
 * Escape probes: one hostile step per way out that the sandbox issue lists. Each runs on the
 * real bubblewrap driver, and each test asserts the effect on the host (the file not written,
 * the secret not printed, the listener never reached, the process gone), not only an exit code.
 * Every network target is on 127.0.0.1, allowed explicitly only where a test says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  findProcesses,
  temporaryFolder,
  uniqueSeconds,
} from '../src/sandbox/__fixtures__/processes.js';
import {
  BwrapDriver,
  EgressLedger,
  type SandboxResult,
  type SandboxSpec,
} from '../src/sandbox/index.js';

const mebibyte = 1024 * 1024;
let folder: ReturnType<typeof temporaryFolder>;
let web: HttpServer;
let webPort: number;
let webRequests: Array<{ url: string; bytes: number }>;
let other: Server;
let otherPort: number;
let otherConnections: number;

const listen = (server: Server | HttpServer): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

beforeAll(async () => {
  folder = temporaryFolder();
  webRequests = [];
  web = createHttpServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      webRequests.push({ url: request.url ?? '', bytes });
      response.end('web says hi\n');
    });
    request.on('error', () => webRequests.push({ url: request.url ?? '', bytes }));
  });
  webPort = await listen(web);
  otherConnections = 0;
  other = createServer((socket) => {
    otherConnections += 1;
    socket.end('other\n');
  });
  otherPort = await listen(other);
});

afterAll(async () => {
  web.closeAllConnections();
  await new Promise((resolve) => web.close(resolve));
  await new Promise((resolve) => other.close(resolve));
  folder.remove();
});

const isolated = new BwrapDriver();
const sh = (
  script: string,
  extra: Partial<SandboxSpec> = {},
  driver: BwrapDriver = isolated,
): Promise<SandboxResult> =>
  driver.run({
    command: ['sh', '-c', script],
    timeoutMs: 10_000,
    maxOutputBytes: 256 * 1024,
    ...extra,
  });

/** Everything a step said, to search for a leaked secret. */
const said = (result: SandboxResult): string => `${result.stdout}\n${result.stderr}`;

/** The record every step carries into its audit entry. */
function expectRecorded(result: SandboxResult): void {
  expect(result.profile).toMatchObject({ driver: 'bwrap', uid: 1000 });
  expect(result.profile.seccomp).toMatch(/^castellan-seccomp-v1 /);
  expect(result.profile.namespaces).toEqual(
    expect.arrayContaining(['user', 'pid', 'net', 'mount']),
  );
}

describe('escape probes: each hostile step is contained', () => {
  it('cannot read a host secret file outside the allowlist, nor Castellan’s environment', async () => {
    const token = randomBytes(16).toString('hex');
    const secret = join(folder.path, 'secret.txt');
    writeFileSync(secret, token);
    process.env.CASTELLAN_ESCAPE_SECRET = token;
    try {
      const result = await sh(
        `cat ${secret}; cat /etc/shadow; find / -name secret.txt 2>/dev/null; env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'`,
      );
      expect(said(result)).not.toContain(token);
      expect(result.stderr).toMatch(/No such file/);
      expectRecorded(result);
    } finally {
      delete process.env.CASTELLAN_ESCAPE_SECRET;
    }
  });

  it('cannot write outside its work folder: not /usr, /etc, /, the parent of /work, or a host path', async () => {
    const hostTarget = join(folder.path, 'written-from-the-sandbox');
    const workDir = join(folder.path, 'write-probe', 'work');
    const marker = `castellan-escape-${process.pid}`;
    const result = await sh(
      [
        `for path in /usr/${marker} /etc/${marker} /${marker} /work/../${marker} ${hostTarget}; do`,
        '  echo x > "$path" 2>/dev/null && echo "wrote $path"',
        'done',
        `echo inside > /tmp/${marker} && echo "tmp is private"`,
      ].join('\n'),
      { workDir },
    );
    expect(result.stdout).toBe('tmp is private\n');
    for (const path of [
      `/usr/${marker}`,
      `/etc/${marker}`,
      `/${marker}`,
      `/tmp/${marker}`,
      hostTarget,
    ]) {
      expect(existsSync(path), path).toBe(false);
    }
    expect(existsSync(join(folder.path, 'write-probe', marker))).toBe(false);
    expectRecorded(result);
  });

  it('cannot reach a loopback service on the host, with or without a proxy', async () => {
    const before = otherConnections;
    const plain = await sh(
      `curl -sS -m 2 http://127.0.0.1:${otherPort}/ || echo refused; bash -c 'exec 3<>/dev/tcp/127.0.0.1/${otherPort}' 2>/dev/null || echo refused`,
    );
    expect(plain.stdout).toBe('refused\nrefused\n');
    const proxied = new BwrapDriver({ egress: { allowHosts: [`localhost:${webPort}`] } });
    const bypass = await sh(
      `curl -sS -m 2 --noproxy '*' http://127.0.0.1:${otherPort}/ || echo refused`,
      { egress: { destinations: [{ host: 'localhost', port: webPort }], runId: 'escape-bypass' } },
      proxied,
    );
    expect(bypass.stdout).toBe('refused\n');
    expect(otherConnections).toBe(before);
    expect(bypass.profile.network).toBe('egress-proxy');
  });

  it('cannot reach a host the allowlist does not name through its proxy, and the refusal is recorded', async () => {
    const driver = new BwrapDriver({
      egress: { allowHosts: [`localhost:${webPort}`], allowAddressRanges: ['127.0.0.0/8', '::1'] },
    });
    const before = otherConnections;
    const result = await sh(
      `curl -sS http://127.0.0.1:${otherPort}/; curl -sS -p http://localhost:${otherPort}/; curl -sS http://localhost:${webPort}/ok`,
      {
        egress: {
          destinations: [
            { host: 'localhost', port: webPort },
            { host: 'localhost', port: otherPort },
          ],
          runId: 'escape-allowlist',
        },
      },
      driver,
    );
    expect(otherConnections).toBe(before);
    expect(result.stdout).toContain('web says hi');
    expect(result.profile.egress).toEqual({
      permitted: [`localhost:${webPort}`],
      refused: [`localhost:${otherPort}`],
    });
    expect(
      result.egress?.connections.map((entry) => [entry.destination, entry.outcome, entry.reason]),
    ).toEqual([
      [`127.0.0.1:${otherPort}`, 'refused', 'not-allowlisted'],
      [`localhost:${otherPort}`, 'refused', 'not-allowlisted'],
      [`localhost:${webPort}`, 'allowed', undefined],
    ]);
  });

  it('cannot use an allowed name that resolves to a forbidden address (loopback, metadata)', async () => {
    const driver = new BwrapDriver({
      egress: {
        allowHosts: [`localhost:${webPort}`, 'metadata.example.test:80'],
        // Name resolution for the made-up name only; localhost resolves through /etc/hosts.
        resolve: async (host) =>
          host === 'metadata.example.test' ? ['169.254.169.254'] : ['127.0.0.1'],
      },
    });
    const before = webRequests.length;
    const result = await sh(
      `curl -sS http://localhost:${webPort}/; curl -sS http://metadata.example.test/latest/meta-data/`,
      {
        egress: {
          destinations: [
            { host: 'localhost', port: webPort },
            { host: 'metadata.example.test', port: 80 },
          ],
          runId: 'escape-rebind',
        },
      },
      driver,
    );
    expect(webRequests.length).toBe(before);
    expect(result.stdout).toContain('forbidden-address:loopback');
    expect(result.stdout).toContain('forbidden-address:metadata');
    expect(result.egress?.connections.map((entry) => entry.reason)).toEqual([
      'forbidden-address:loopback',
      'forbidden-address:metadata',
    ]);
  });

  it('cannot send more than the run’s byte budget: the upload is cut and recorded', async () => {
    const driver = new BwrapDriver({
      egress: {
        allowHosts: [`localhost:${webPort}`],
        allowAddressRanges: ['127.0.0.0/8', '::1'],
        ledger: new EgressLedger({ bytesOut: 4096, bytesIn: mebibyte }),
      },
    });
    const before = webRequests.length;
    const result = await sh(
      `head -c 65536 /dev/urandom | curl -sS --data-binary @- http://localhost:${webPort}/exfil || echo cut`,
      { egress: { destinations: [{ host: 'localhost', port: webPort }], runId: 'escape-budget' } },
      driver,
    );
    expect(result.stdout).toContain('cut');
    const received = webRequests.slice(before).reduce((sum, request) => sum + request.bytes, 0);
    expect(received).toBeLessThan(4096);
    expect(result.egress?.connections[0]).toMatchObject({ outcome: 'cut', reason: 'budget' });
    expect(result.egress?.run.bytesOut).toBeLessThanOrEqual(4096);
  });

  it('cannot open a Unix socket of the host, by path or in the abstract namespace', async () => {
    let connections = 0;
    const path = join(folder.path, 'host.sock');
    const abstractName = `castellan-escape-${process.pid}`;
    const servers = [
      createServer(() => (connections += 1)),
      createServer(() => (connections += 1)),
    ];
    await new Promise<void>((resolve) => servers[0]?.listen(path, resolve));
    await new Promise<void>((resolve) => servers[1]?.listen(`\0${abstractName}`, resolve));
    try {
      const result = await sh(
        [
          `echo hi | socat -t 1 - UNIX-CONNECT:${path} 2>/dev/null || echo path-refused`,
          `echo hi | socat -t 1 - ABSTRACT-CONNECT:${abstractName} 2>/dev/null || echo abstract-refused`,
          'ls /run /var/run 2>/dev/null | grep -c sock || true',
        ].join('\n'),
      );
      expect(result.stdout).toBe('path-refused\nabstract-refused\n0\n');
      expect(connections).toBe(0);
    } finally {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it('cannot create a user namespace (or any other)', async () => {
    const result = await sh(
      'for flags in -U -Ur -n -m -p; do unshare $flags true 2>/dev/null && echo "made $flags" || echo "refused $flags"; done',
    );
    expect(result.stdout).toBe('refused -U\nrefused -Ur\nrefused -n\nrefused -m\nrefused -p\n');
  });

  it('cannot ptrace another process, nor ask to be traced', async () => {
    const script = [
      'import ctypes, errno, os, time',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'child = os.fork()',
      'if child == 0:',
      '    time.sleep(5)',
      '    os._exit(0)',
      'for name, request, pid in [("attach", 16, child), ("seize", 0x4206, child), ("traceme", 0, 0)]:',
      '    result = libc.ptrace(ctypes.c_long(request), ctypes.c_long(pid), None, None)',
      '    print(name, errno.errorcode.get(ctypes.get_errno(), "ok") if result == -1 else "ok")',
      'os.kill(child, 9)',
    ].join('\n');
    const result = await isolated.run({
      command: ['python3', '-c', script],
      timeoutMs: 10_000,
      maxOutputBytes: 4096,
    });
    expect(result.stdout).toBe('attach EPERM\nseize EPERM\ntraceme EPERM\n');
  });

  it('contains a fork bomb to its process limit within the timeout, and leaves the host able to fork', async () => {
    const marker = `bomb-${uniqueSeconds(1)}`;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, findProcesses('sh', marker).length);
    }, 20);
    const result = await isolated
      .run({
        command: ['sh', '-c', 'b() { b | b & }; b; wait', marker],
        timeoutMs: 3000,
        maxOutputBytes: 64 * 1024,
        limits: { processes: 32 },
      })
      .finally(() => clearInterval(sampler));
    expect(result.durationMs).toBeLessThan(6000);
    expect(peak).toBeLessThanOrEqual(32);
    expect(await eventually(() => findProcesses('sh', marker).length === 0)).toBe(true);
    const started = Date.now();
    expect(spawnSync('/usr/bin/true').status).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops a memory bomb at its address-space limit', async () => {
    const result = await isolated.run({
      command: ['python3', '-c', 'chunks = []\nwhile True: chunks.append(bytearray(64 << 20))'],
      timeoutMs: 10_000,
      maxOutputBytes: 64 * 1024,
      limits: { memoryMb: 256 },
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/MemoryError/);
    expect(result.timedOut).toBe(false);
    expect(result.profile.limits).toContain(`as=${256 * mebibyte}`);
  });

  it('stops a CPU loop at its CPU limit, and one without a CPU limit at the wall clock', async () => {
    const cpu = await sh('while :; do :; done', { limits: { cpuSeconds: 1 } });
    expect(cpu.timedOut).toBe(false);
    expect(cpu.durationMs).toBeLessThan(5000);
    // bwrap reports 128 + the signal: SIGKILL (137) at the hard limit, or SIGXCPU (152).
    expect([137, 152]).toContain(cpu.exitCode);
    const wall = await sh('while :; do :; done', { timeoutMs: 1500 });
    expect(wall).toMatchObject({ timedOut: true, killed: 'timeout' });
  });

  it('cannot fill the disk: the host work folder is cut at its size, /tmp is a small tmpfs', async () => {
    const workDir = join(folder.path, 'fill', 'work');
    const result = await sh(
      'head -c 100000000 /dev/zero > /tmp/fill; echo "tmp exit $?"; i=0; while :; do head -c 1048576 /dev/zero > /work/f$i || exit 1; i=$((i+1)); done',
      { workDir, limits: { workDirMb: 4 } },
    );
    expect(result.stdout).toMatch(/^tmp exit [1-9]/);
    expect(result.killed).toBe('workdir-limit');
    const used = readdirSync(workDir).reduce(
      (sum, name) => sum + statSync(join(workDir, name)).blocks * 512,
      0,
    );
    expect(used).toBeLessThan(12 * mebibyte);
  });

  it('keeps only the first bytes of 100 MB printed to stdout and stops the step', async () => {
    const result = await sh('head -c 100000000 /dev/zero', { maxOutputBytes: 64 * 1024 });
    expect(result.stdout.length).toBe(64 * 1024);
    expect(result).toMatchObject({ stdoutTruncated: true, killed: 'output-limit' });
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('leaves no background process behind, however it was detached', async () => {
    const seconds = [uniqueSeconds(101), uniqueSeconds(102), uniqueSeconds(103)];
    const result = await sh(
      `sleep ${seconds[0]} & setsid sleep ${seconds[1]} & (nohup sleep ${seconds[2]} >/dev/null 2>&1 &); echo left`,
    );
    expect(result.stdout).toBe('left\n');
    expect(
      await eventually(() => seconds.every((value) => findProcesses('sleep', value).length === 0)),
    ).toBe(true);
  });

  it('cannot read another run’s work folder', async () => {
    const base = join(folder.path, 'runs');
    const token = randomBytes(16).toString('hex');
    const runA = join(base, 'run-a', '0');
    mkdirSync(runA, { recursive: true });
    await sh(`echo ${token} > /work/secret`, { workDir: runA });
    const result = await sh(
      `ls -a /work/.. /work/../..; cat /work/../../run-a/0/secret ${runA}/secret; find / -name secret 2>/dev/null`,
      { workDir: join(base, 'run-b', '0') },
    );
    expect(said(result)).not.toContain(token);
    const listing = result.stdout.split('\n');
    expect(listing).not.toContain('run-a');
    expect(listing).not.toContain('secret');
    expect(result.stderr.match(/No such file/g)).toHaveLength(2);
  });
});
