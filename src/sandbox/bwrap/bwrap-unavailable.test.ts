import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../__fixtures__/processes.js';
import { SandboxError } from '../errors.js';
import type { SandboxSpec } from '../port.js';
import { defaultLimits, planBwrap } from './bwrap-arguments.js';
import { BwrapDriver } from './bwrap-driver.js';
import { runBwrap } from './bwrap-run.js';
import { hostLibraryLinks } from './host-tools.js';

describe('BwrapDriver when the sandbox cannot start', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());

  it('throws unavailable for a missing bwrap binary and runs nothing', async () => {
    const driver = new BwrapDriver({ bwrapPath: '/nonexistent/bwrap' });
    const workDir = join(folder.path, 'work');
    const error = await driver
      .run({ command: ['touch', '/work/ran'], workDir, timeoutMs: 5000, maxOutputBytes: 1024 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: 'unavailable', kind: 'unavailable', room: 'sandbox' });
    expect((error as SandboxError).message).toMatch(/apt-get install bubblewrap/);
    expect(existsSync(workDir)).toBe(false);
  });

  it('probes a missing binary as not ok, with the fix', async () => {
    const probe = await new BwrapDriver({ bwrapPath: '/nonexistent/bwrap' }).probe();
    expect(probe.ok).toBe(false);
    expect(probe.checks[0]).toMatchObject({ name: 'bwrap-installed', ok: false });
    expect(probe.checks[0]?.fix).toMatch(/apt-get install bubblewrap/);
  });

  it('refuses a step with the user-namespace fix when bwrap cannot create a namespace', async () => {
    // A stand-in for bwrap on a host that blocks user namespaces: bubblewrap's own message.
    const fake = join(folder.path, 'bwrap');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n',
    );
    chmodSync(fake, 0o755);
    const workDir = join(folder.path, 'work');
    const error = await new BwrapDriver({ bwrapPath: fake })
      .run({ command: ['touch', '/work/ran'], workDir, timeoutMs: 5000, maxOutputBytes: 1024 })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as SandboxError).message).toMatch(/No permissions to creating new namespace/);
    expect((error as SandboxError).message).toMatch(/kernel\.unprivileged_userns_clone=1/);
    expect(existsSync(join(workDir, 'ran'))).toBe(false);
  });

  it('treats a bwrap that fails during setup as unavailable, not as a failed step', async () => {
    // validateSpec would catch a missing mount first; the plan is built by hand to make the real
    // bwrap fail half-way through its setup, as a host without user namespaces would.
    const spec: SandboxSpec = {
      command: ['touch', '/work/ran'],
      mounts: [{ hostPath: join(folder.path, 'absent'), sandboxPath: '/data', readOnly: true }],
      timeoutMs: 5000,
      maxOutputBytes: 1024,
    };
    const plan = planBwrap(spec, {
      limits: defaultLimits,
      prlimitPath: undefined,
      links: hostLibraryLinks(),
    });
    const error = await runBwrap('/usr/bin/bwrap', plan, spec).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as SandboxError).message).toMatch(/sandbox setup failed: bwrap: Can't find/);
  });
});

describe('BwrapDriver spec checks', () => {
  const driver = new BwrapDriver();
  const base = { command: ['true'], timeoutMs: 1000, maxOutputBytes: 1024 };
  const cases: Array<[string, SandboxSpec]> = [
    ['an empty command', { ...base, command: [] }],
    ['a NUL byte in an argument', { ...base, command: ['echo', 'a\0b'] }],
    ['a zero timeout', { ...base, timeoutMs: 0 }],
    ['a fractional output cap', { ...base, maxOutputBytes: 1.5 }],
    ['a bad variable name', { ...base, env: { 'A=B': 'x' } }],
    ['a relative work folder', { ...base, workDir: 'relative/work' }],
    [
      'a mount over /proc',
      { ...base, mounts: [{ hostPath: '/tmp', sandboxPath: '/proc/x', readOnly: true }] },
    ],
    [
      'a mount over /usr',
      { ...base, mounts: [{ hostPath: '/tmp', sandboxPath: '/usr', readOnly: true }] },
    ],
    [
      'a mount path with ..',
      { ...base, mounts: [{ hostPath: '/tmp', sandboxPath: '/a/../usr', readOnly: true }] },
    ],
    [
      'a missing mount source',
      { ...base, mounts: [{ hostPath: '/nonexistent', sandboxPath: '/data', readOnly: true }] },
    ],
    ['a network other than none', { ...base, network: 'host' as 'none' }],
    [
      'a mount over the egress socket folder',
      { ...base, mounts: [{ hostPath: '/tmp', sandboxPath: '/run/castellan', readOnly: true }] },
    ],
  ];

  it.each(cases)('rejects %s as bad-spec', async (_name, spec) => {
    await expect(driver.run(spec)).rejects.toMatchObject({ code: 'bad-spec', kind: 'bad-input' });
  });
});
