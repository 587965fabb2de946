import { describe, expect, it } from 'vitest';
import { eventually, findProcesses, uniqueSeconds } from '../__fixtures__/processes.js';
import type { SandboxSpec } from '../port.js';
import { BwrapDriver } from './bwrap-driver.js';

describe('BwrapDriver limits', () => {
  const driver = new BwrapDriver();
  const run = (command: string[], extra: Partial<SandboxSpec> = {}) =>
    driver.run({ command, timeoutMs: 10_000, maxOutputBytes: 64 * 1024, ...extra });

  it('kills a step at its timeout, reports timedOut quickly, and leaves no process behind', async () => {
    const seconds = uniqueSeconds(30);
    const pending = run(['sleep', seconds], { timeoutMs: 400 });
    expect(await eventually(() => findProcesses('sleep', seconds).length === 1)).toBe(true);
    const result = await pending;
    expect(result).toMatchObject({ timedOut: true, killed: 'timeout', exitCode: null });
    expect(result.durationMs).toBeLessThan(2000);
    expect(await eventually(() => findProcesses('sleep', seconds).length === 0)).toBe(true);
  });

  it('ends a background process the step left behind when the step ends', async () => {
    const seconds = uniqueSeconds(100);
    const result = await run(['sh', '-c', `sleep ${seconds} & echo started`]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n', timedOut: false });
    expect(result.durationMs).toBeLessThan(2000);
    expect(await eventually(() => findProcesses('sleep', seconds).length === 0)).toBe(true);
  });

  it('caps a flood of stdout at maxOutputBytes, marks it truncated and stops the step', async () => {
    const result = await run(['sh', '-c', 'yes | head -c 10000000'], { maxOutputBytes: 10_000 });
    expect(result.stdout.length).toBe(10_000);
    expect(result.stdout.startsWith('y\ny\n')).toBe(true);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.killed).toBe('output-limit');
    expect(result.timedOut).toBe(false);
  });

  it('keeps a step that writes a little past the cap running to its end', async () => {
    const result = await run(['sh', '-c', 'head -c 20000 /dev/zero; echo done >&2'], {
      maxOutputBytes: 10_000,
    });
    expect(result).toMatchObject({ exitCode: 0, stdoutTruncated: true, stderr: 'done\n' });
    expect(result.stdout.length).toBe(10_000);
    expect(result.killed).toBeUndefined();
  });

  it('caps stderr separately', async () => {
    const result = await run(['sh', '-c', 'head -c 5000 /dev/zero >&2; echo out'], {
      maxOutputBytes: 1000,
    });
    expect(result).toMatchObject({ stdout: 'out\n', stdoutTruncated: false });
    expect(result.stderr.length).toBe(1000);
    expect(result.stderrTruncated).toBe(true);
  });

  it('kills the step when its AbortSignal fires', async () => {
    const seconds = uniqueSeconds(31);
    const controller = new AbortController();
    const pending = run(['sleep', seconds], { signal: controller.signal });
    expect(await eventually(() => findProcesses('sleep', seconds).length === 1)).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ killed: 'aborted', timedOut: false, exitCode: null });
    expect(await eventually(() => findProcesses('sleep', seconds).length === 0)).toBe(true);
  });

  it('runs nothing when the signal was aborted before the run', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run(['true'], { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('applies rlimits through prlimit and records them in the profile', async () => {
    const result = await run(['sh', '-c', 'ulimit -n; ulimit -v'], { timeoutMs: 5000 });
    expect(result.stdout).toBe(`256\n${2 * 1024 * 1024}\n`);
    expect(result.profile.limits).toEqual(expect.arrayContaining(['nofile=256', 'cpu=6']));
    expect(result.profile.notes).toEqual([]);
  });

  it('notes in the profile when prlimit is absent, and still runs sandboxed', async () => {
    const bare = new BwrapDriver({ prlimitPath: '/usr/nonexistent/prlimit' });
    const result = await bare.run({ command: ['id', '-u'], timeoutMs: 5000, maxOutputBytes: 1024 });
    expect(result.stdout).toBe('1000\n');
    expect(result.profile.notes?.join(' ')).toMatch(/prlimit not found/);
  });

  it('reports a missing command as exit 127, with or without prlimit', async () => {
    const bare = new BwrapDriver({ prlimitPath: '/usr/nonexistent/prlimit' });
    for (const candidate of [driver, bare]) {
      const result = await candidate.run({
        command: ['no-such-command-here'],
        timeoutMs: 5000,
        maxOutputBytes: 1024,
      });
      expect(result.exitCode).toBe(127);
      expect(result.stderr).toMatch(/no-such-command-here/);
    }
  });
});
