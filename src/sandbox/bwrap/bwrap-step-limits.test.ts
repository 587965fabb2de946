import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../__fixtures__/processes.js';
import { pendingRemovals, pidsCgroupBase } from '../limits/pids-cgroup.js';
import { effectiveLimits, defaultLimits } from '../limits/resource-limits.js';
import type { SandboxSpec } from '../port.js';
import { BwrapDriver } from './bwrap-driver.js';

const mebibyte = 1024 * 1024;

describe('effectiveLimits', () => {
  it('takes what a tool asks for below the ceiling and the ceiling above it', () => {
    const limits = effectiveLimits(
      defaultLimits,
      { memoryMb: 64, openFiles: 100_000, processes: 8, workDirMb: 4, cpuSeconds: 5 },
      60_000,
    );
    expect(limits).toMatchObject({
      addressSpaceBytes: 64 * mebibyte,
      openFiles: defaultLimits.openFiles,
      processes: 8,
      workDirBytes: 4 * mebibyte,
      fileSizeBytes: 4 * mebibyte,
      cpuSeconds: 5,
    });
  });

  it('keeps CPU time under the wall-clock timeout plus a second', () => {
    expect(effectiveLimits(defaultLimits, { cpuSeconds: 600 }, 2500).cpuSeconds).toBe(4);
  });
});

describe('BwrapDriver declared limits', () => {
  const driver = new BwrapDriver({ limits: { openFiles: 128, processes: 32 } });
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());
  const run = (command: string, extra: Partial<SandboxSpec> = {}) =>
    driver.run({
      command: ['sh', '-c', command],
      timeoutMs: 10_000,
      maxOutputBytes: 64 * 1024,
      ...extra,
    });

  it('applies a tighter declaration and caps a looser one at the ceiling, recording both in the profile', async () => {
    const tight = await run('ulimit -n; ulimit -v', { limits: { openFiles: 64, memoryMb: 128 } });
    expect(tight.stdout).toBe(`64\n${128 * 1024}\n`);
    expect(tight.profile.limits).toEqual(
      expect.arrayContaining(['nofile=64', `as=${128 * mebibyte}`]),
    );
    const loose = await run('ulimit -n', { limits: { openFiles: 100_000 } });
    expect(loose.stdout).toBe('128\n');
    expect(loose.profile.limits).toContain('nofile=128');
  });

  it('caps the processes of the whole step, counted across all its processes', async () => {
    const forkLoop = [
      'import os, time',
      'forked = 0',
      'for _ in range(60):',
      '    try:',
      '        pid = os.fork()',
      '    except OSError:',
      '        break',
      '    if pid == 0:',
      '        time.sleep(2)',
      '        os._exit(0)',
      '    forked += 1',
      'print(f"forked={forked}")',
    ].join('\n');
    const result = await driver.run({
      command: ['python3', '-c', forkLoop],
      timeoutMs: 10_000,
      maxOutputBytes: 1024,
      limits: { processes: 16 },
    });
    const forked = Number(/forked=(\d+)/.exec(result.stdout)?.[1]);
    expect(forked, result.stderr).toBeGreaterThan(4);
    expect(forked).toBeLessThan(16);
    expect(result.profile.limits?.some((limit) => /^(pids|nproc)=16$/.test(limit))).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'removes the step’s pids cgroup when a root caller’s step ends',
    async () => {
      const base = pidsCgroupBase();
      expect(base, 'cgroup v1 pids hierarchy').toBeDefined();
      const ours = () =>
        readdirSync(base as string).filter((name) => name.startsWith(`${process.pid}-`));
      await run('true');
      await pendingRemovals();
      expect(ours()).toEqual([]);
    },
  );

  it('stops a step whose host work folder grows past its size, keeping the folder near the limit', async () => {
    const workDir = join(folder.path, 'work');
    const result = await run(
      'i=0; while :; do head -c 1048576 /dev/zero > /work/f$i || exit 1; i=$((i+1)); done',
      { workDir, limits: { workDirMb: 4 } },
    );
    expect(result.killed).toBe('workdir-limit');
    const used = readdirSync(workDir).reduce(
      (sum, name) => sum + statSync(join(workDir, name)).blocks * 512,
      0,
    );
    expect(used).toBeGreaterThan(4 * mebibyte);
    expect(used).toBeLessThan(12 * mebibyte);
  });

  it('sizes the tmpfs /work to the declared limit when there is no host folder', async () => {
    const result = await run(
      'head -c 3000000 /dev/zero > /work/f; echo $?; df -k /work | tail -1',
      {
        limits: { workDirMb: 2 },
      },
    );
    expect(result.stdout.split('\n')[0]).not.toBe('0');
    expect(result.stdout).toMatch(/\s2048\s/);
  });

  it.each([
    ['a zero limit', { processes: 0 }],
    ['a fractional limit', { memoryMb: 1.5 }],
    ['an unknown limit', { threads: 4 } as never],
  ])('rejects %s as bad-spec, running nothing', async (_name, limits) => {
    const workDir = join(folder.path, 'never');
    await expect(run('touch /work/x', { limits, workDir })).rejects.toMatchObject({
      code: 'bad-spec',
    });
    expect(existsSync(workDir)).toBe(false);
  });
});
