import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeDriverContract } from '../__fixtures__/driver-contract.js';
import { temporaryFolder } from '../__fixtures__/processes.js';
import type { SandboxSpec } from '../port.js';
import { BwrapDriver } from './bwrap-driver.js';

describeDriverContract('bwrap', () => new BwrapDriver());

describe('BwrapDriver isolation', () => {
  const driver = new BwrapDriver();
  let folder: ReturnType<typeof temporaryFolder>;
  let workDir: string;
  const run = (command: string[], extra: Partial<SandboxSpec> = {}) =>
    driver.run({ command, workDir, timeoutMs: 10_000, maxOutputBytes: 64 * 1024, ...extra });

  beforeEach(() => {
    folder = temporaryFolder();
    workDir = join(folder.path, 'work');
  });
  afterEach(() => folder.remove());

  it('runs echo and returns its stdout, with the profile it applied', async () => {
    const result = await run(['echo', 'hello from the sandbox']);
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false });
    expect(result.stdout).toBe('hello from the sandbox\n');
    expect(result.profile).toMatchObject({ driver: 'bwrap', network: 'none', uid: 1000 });
    expect(result.profile.namespaces).toEqual(expect.arrayContaining(['user', 'pid', 'net']));
    expect(result.profile.mounts).toContain(`rw:${workDir}->/work`);
  });

  it('runs in a session without a controlling terminal, so it cannot type into one', async () => {
    const result = await run([
      'sh',
      '-c',
      'echo "tty_nr=$(cut -d" " -f7 /proc/self/stat)"; (: < /dev/tty) 2>/dev/null && echo tty-open || echo no-tty',
    ]);
    expect(result.stdout).toBe('tty_nr=0\nno-tty\n');
  });

  it('runs as uid and gid 1000 without capabilities, even for a root caller', async () => {
    const result = await run(['sh', '-c', 'id -u; id -g; grep CapEff /proc/self/status']);
    expect(result.stdout).toBe('1000\n1000\nCapEff:\t0000000000000000\n');
  });

  it('cannot read /root, /etc/shadow or the host checkout', async () => {
    for (const path of ['/root', '/etc/shadow', '/work/main/package.json']) {
      const result = await run(['cat', path]);
      expect(result.exitCode, path).not.toBe(0);
    }
    expect((await run(['ls', '/'])).stdout.split('\n')).not.toContain('root');
  });

  it('cannot write /usr', async () => {
    const result = await run(['touch', '/usr/castellan-escape']);
    expect(result.exitCode).not.toBe(0);
    expect(existsSync('/usr/castellan-escape')).toBe(false);
  });

  it('writes /work into the work folder, created private when missing', async () => {
    const result = await run(['sh', '-c', 'echo written > /work/out.txt']);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(workDir, 'out.txt'), 'utf8')).toBe('written\n');
  });

  it('has no network: only lo, and no TCP connect even to a host listener', async () => {
    const devices = await run(['cat', '/proc/net/dev']);
    const names = devices.stdout.split('\n').slice(2).filter(Boolean);
    expect(names.map((line) => line.split(':')[0]?.trim())).toEqual(['lo']);

    const server: Server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const connect = await run(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
      expect(connect.exitCode).not.toBe(0);
      const outside = await run(['bash', '-c', 'exec 3<>/dev/tcp/1.1.1.1/80']);
      expect(outside.exitCode).not.toBe(0);
    } finally {
      server.close();
    }
  });

  it('starts with an empty environment except what the spec declares', async () => {
    const result = await run(['env'], { env: { GREETING: 'hi' } });
    const names = result.stdout.trim().split('\n').sort();
    expect(names).toEqual(['GREETING=hi', 'HOME=/work', 'PATH=/usr/bin:/bin', 'PWD=/work']);
  });

  it('passes stdin to the step', async () => {
    expect((await run(['cat'], { stdin: 'from stdin' })).stdout).toBe('from stdin');
  });

  it('mounts a read-only folder readable but not writable, and a writable one writable', async () => {
    const data = join(folder.path, 'data');
    const out = join(folder.path, 'out');
    mkdirSync(data);
    mkdirSync(out);
    writeFileSync(join(data, 'input.txt'), 'pack file');
    const mounts = [
      { hostPath: data, sandboxPath: '/data', readOnly: true },
      { hostPath: out, sandboxPath: '/out', readOnly: false },
    ];
    expect((await run(['cat', '/data/input.txt'], { mounts })).stdout).toBe('pack file');
    const write = await run(['sh', '-c', 'echo x > /data/new.txt'], { mounts });
    expect(write.exitCode).not.toBe(0);
    expect(existsSync(join(data, 'new.txt'))).toBe(false);
    expect((await run(['sh', '-c', 'echo y > /out/new.txt'], { mounts })).exitCode).toBe(0);
    expect(readFileSync(join(out, 'new.txt'), 'utf8')).toBe('y\n');
  });

  it('blocks nested user namespaces', async () => {
    expect((await run(['unshare', '-U', 'true'])).exitCode).not.toBe(0);
  });

  it('gives a private tmpfs /work when no work folder is given', async () => {
    const result = await driver.run({
      command: ['sh', '-c', 'echo x > /work/f && cat /work/f && pwd'],
      timeoutMs: 5000,
      maxOutputBytes: 1024,
    });
    expect(result.stdout).toBe('x\n/work\n');
    expect(result.profile.mounts).toContain('tmpfs:/work');
  });
});

describe('BwrapDriver probe', () => {
  let probe: Awaited<ReturnType<BwrapDriver['probe']>>;
  beforeAll(async () => {
    probe = await new BwrapDriver().probe();
  });

  it('passes every check on a host with bubblewrap', () => {
    expect(probe.checks.filter((check) => !check.ok)).toEqual([]);
    expect(probe.ok).toBe(true);
    expect(probe.checks.map((check) => check.name)).toEqual(
      expect.arrayContaining([
        'sandbox-starts',
        'runs-as-uid-1000',
        'no-network',
        'host-root-hidden',
      ]),
    );
  });
});
