import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../__fixtures__/processes.js';
import { BwrapDriver } from '../bwrap/bwrap-driver.js';
import { loadSeccompFilter, seccompFilterPath } from './seccomp-filter.js';

const repository = resolve(import.meta.dirname, '../../..');
const generator = join(repository, 'tools/seccomp/gen-seccomp.c');
const committed = join(repository, 'src/sandbox/seccomp');
const haveCompiler = spawnSync('cc', ['--version']).status === 0;
const haveHeaders = existsSync('/usr/include/seccomp.h');
const canRebuild = haveCompiler && haveHeaders;

if (!canRebuild) {
  // Loud on purpose: this is the one check that the committed BPF matches its source.
  console.warn(
    `\n*** SKIPPING the seccomp rebuild check: ${haveCompiler ? '' : 'no cc; '}` +
      `${haveHeaders ? '' : 'no /usr/include/seccomp.h; '}apt-get install gcc libseccomp-dev ***\n`,
  );
}

describe('the committed seccomp filters', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeAll(() => {
    folder = temporaryFolder();
  });
  afterAll(() => folder.remove());

  // CI installs both (see .ci/run), so there a missing toolchain fails instead of skipping.
  it.skipIf(!canRebuild && process.env.CI === undefined)(
    'equal, byte for byte, a fresh build of tools/seccomp/gen-seccomp.c for each architecture',
    () => {
      const binary = join(folder.path, 'gen-seccomp');
      const build = spawnSync('cc', ['-O2', '-o', binary, generator, '-lseccomp'], {
        encoding: 'utf8',
      });
      expect(build.status, build.stderr).toBe(0);
      for (const arch of ['x86_64', 'aarch64']) {
        const bpf = join(folder.path, `${arch}.bpf`);
        const pfc = join(folder.path, `${arch}.pfc`);
        const run = spawnSync(binary, [arch, bpf, pfc], { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
        expect(readFileSync(bpf).equals(readFileSync(join(committed, `${arch}.bpf`))), arch).toBe(
          true,
        );
        expect(readFileSync(pfc, 'utf8')).toBe(
          readFileSync(join(committed, `${arch}.pfc`), 'utf8'),
        );
      }
    },
  );

  it('kill a foreign architecture and deny the listed calls, as their listings show', () => {
    for (const arch of ['x86_64', 'aarch64']) {
      const listing = readFileSync(join(committed, `${arch}.pfc`), 'utf8');
      expect(listing).toMatch(/# invalid architecture action\naction KILL_PROCESS;/);
      for (const call of ['mount', 'unshare', 'setns', 'ptrace', 'bpf', 'perf_event_open']) {
        expect(listing, `${arch} ${call}`).toContain(`filter for syscall "${call}"`);
      }
      for (const call of ['keyctl', 'io_uring_setup', 'kexec_load', 'init_module', 'personality']) {
        expect(listing, `${arch} ${call}`).toContain(`filter for syscall "${call}"`);
      }
    }
  });

  it('are found for x64 and arm64 and named by digest; other architectures have none', () => {
    expect(loadSeccompFilter(undefined, 'x64')?.name).toMatch(
      /^castellan-seccomp-v1 x86_64 sha256:[0-9a-f]{12}$/,
    );
    expect(loadSeccompFilter(undefined, 'arm64')?.name).toMatch(/aarch64/);
    expect(seccompFilterPath('riscv64')).toBeUndefined();
    expect(loadSeccompFilter(undefined, 'riscv64')).toBeUndefined();
  });
});

/** Calls each syscall through libc and prints `name errno-name` (or `name ok`). */
const syscallProbe = `
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
U = ctypes.c_ulong
def call(name, nr, *args):
    ctypes.set_errno(0)
    r = libc.syscall(U(nr), *[U(a & 0xffffffffffffffff) for a in args])
    print(name, errno.errorcode.get(ctypes.get_errno(), 'ok') if r == -1 else 'ok')
call('ptrace-traceme', 101, 0, 0, 0, 0)
call('io_uring_setup', 425, 8, 0)
call('keyctl', 250, 0, (1 << 64) - 1, 0)
call('personality-set', 135, 0x0040000)
call('personality-query', 135, 0xffffffff)
call('clone3', 435, 0, 0)
call('clone-newnet', 56, 0x40000000 | 17, 0, 0, 0, 0)
call('ioctl-tiocsti', 16, os.open('/dev/null', os.O_RDONLY), 0x5412, 0)
call('getpid', 39)
`;

const runsOnX64 = process.arch === 'x64';

describe.skipIf(!runsOnX64)('the filter inside the sandbox (x86_64 syscall numbers)', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  let allowAll: string;
  beforeAll(() => {
    folder = temporaryFolder();
    // A one-instruction program, `return ALLOW`: the control that shows the filter decides.
    allowAll = join(folder.path, 'allow-all.bpf');
    writeFileSync(allowAll, Buffer.from([0x06, 0, 0, 0, 0x00, 0x00, 0xff, 0x7f]));
  });
  afterAll(() => folder.remove());

  const probe = async (driver: BwrapDriver): Promise<Map<string, string>> => {
    const result = await driver.run({
      command: ['python3', '-c', syscallProbe],
      timeoutMs: 10_000,
      maxOutputBytes: 16 * 1024,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    return new Map(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
  };

  it('makes ptrace, io_uring, keyctl, personality changes and TIOCSTI fail with EPERM that otherwise work or fail differently', async () => {
    const filtered = await probe(new BwrapDriver());
    const control = await probe(new BwrapDriver({ seccompFilterPath: allowAll }));
    const denied = [
      'ptrace-traceme',
      'io_uring_setup',
      'keyctl',
      'personality-set',
      'ioctl-tiocsti',
    ];
    for (const call of denied) {
      expect(filtered.get(call), call).toBe('EPERM');
      expect(control.get(call), call).not.toBe('EPERM');
    }
    expect(filtered.get('personality-query')).toBe('ok');
    expect(filtered.get('getpid')).toBe('ok');
  });

  it('answers clone3 with ENOSYS so libc falls back to clone, whose namespace flags it denies', async () => {
    const filtered = await probe(new BwrapDriver());
    expect(filtered.get('clone3')).toBe('ENOSYS');
    expect(filtered.get('clone-newnet')).toBe('EPERM');
  });

  it('records the filter it applied in the profile', async () => {
    const result = await new BwrapDriver().run({
      command: ['grep', 'Seccomp:', '/proc/self/status'],
      timeoutMs: 5000,
      maxOutputBytes: 1024,
    });
    expect(result.stdout).toBe('Seccomp:\t2\n');
    expect(result.profile.seccomp).toMatch(/^castellan-seccomp-v1 x86_64 sha256:/);
  });

  it('refuses to run steps when the filter file is missing, rather than run them unfiltered', async () => {
    const driver = new BwrapDriver({ seccompFilterPath: join(folder.path, 'absent.bpf') });
    const marker = join(folder.path, 'ran');
    await expect(
      driver.run({
        command: ['touch', '/work/ran'],
        workDir: folder.path,
        timeoutMs: 5000,
        maxOutputBytes: 1024,
      }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(existsSync(marker)).toBe(false);
  });
});
