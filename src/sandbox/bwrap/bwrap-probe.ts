import { existsSync } from 'node:fs';
import { describeError } from '../../core/index.js';
import type { SandboxProbe } from '../port.js';
import { sandboxUid } from './bwrap-arguments.js';
import type { BwrapDriver } from './bwrap-driver.js';

type Check = SandboxProbe['checks'][number];

/** Host paths that must not be visible inside; only those present on this host are tested. */
const hostMarkers = ['/root', '/etc/passwd', '/etc/hostname', '/etc/shadow', '/home', '/var'];

const inspection = [
  'echo "uid=$(id -u)"',
  'echo net-begin; cat /proc/net/dev; echo net-end',
  'for p in "$@"; do if [ -e "$p" ]; then echo "visible=$p"; fi; done',
  'if ! command -v unshare >/dev/null; then echo userns=unknown;',
  'elif unshare -U true 2>/dev/null; then echo userns=allowed; else echo userns=blocked; fi',
].join('\n');

function interfacesOf(output: string): string[] {
  const table = output.split('net-begin\n')[1]?.split('net-end')[0] ?? '';
  return table
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]?.trim() ?? '')
    .filter((name) => name !== '');
}

function valuesOf(output: string, key: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

/** The probe of the bubblewrap driver: each isolation property is checked, not assumed. */
export async function probeBwrap(driver: BwrapDriver): Promise<SandboxProbe> {
  const checks: Check[] = [];
  const done = (): SandboxProbe => ({
    ok: checks.every((check) => check.ok),
    driver: driver.name,
    checks,
  });

  const binary = driver.resolveBinary();
  checks.push({
    name: 'bwrap-installed',
    ok: binary !== undefined,
    detail: binary ?? `no executable bubblewrap at ${driver.bwrapPath}`,
    ...(binary === undefined
      ? { fix: 'apt-get install bubblewrap, or set sandbox.bwrapPath' }
      : {}),
  });
  if (binary === undefined) return done();

  const base = { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 };
  try {
    const result = await driver.run({ ...base, command: ['true'] });
    checks.push({
      name: 'sandbox-starts',
      ok: result.exitCode === 0,
      detail: `true exited ${result.exitCode} in ${result.durationMs} ms`,
    });
  } catch (error) {
    const fix = 'see the message; `bwrap --ro-bind /usr /usr true` shows the host error';
    checks.push({ name: 'sandbox-starts', ok: false, detail: describeError(error), fix });
    return done();
  }

  const markers = hostMarkers.filter((path) => existsSync(path));
  const command = ['sh', '-c', inspection, 'probe', ...markers];
  const output = (await driver.run({ ...base, command }).catch(() => undefined))?.stdout ?? '';
  const uid = valuesOf(output, 'uid')[0] ?? 'unknown';
  checks.push({
    name: 'runs-as-uid-1000',
    ok: uid === String(sandboxUid),
    detail: `id -u printed ${uid}`,
  });
  const interfaces = interfacesOf(output);
  checks.push({
    name: 'no-network',
    ok: output.includes('net-end') && interfaces.every((name) => name === 'lo'),
    detail: `interfaces: ${interfaces.join(', ') || 'none'}`,
  });
  const visible = valuesOf(output, 'visible');
  checks.push({
    name: 'host-root-hidden',
    ok: output.includes('uid=') && visible.length === 0,
    detail: visible.length === 0 ? `not visible: ${markers.join(', ')}` : `visible: ${visible}`,
  });
  const userns = valuesOf(output, 'userns')[0] ?? 'unknown';
  checks.push({
    name: 'nested-userns-blocked',
    ok: userns !== 'allowed',
    detail: `unshare -U inside the sandbox: ${userns}`,
    ...(userns === 'allowed' ? { fix: 'install bubblewrap 0.8 or later (--disable-userns)' } : {}),
  });
  const prlimit = driver.hasPrlimit();
  checks.push({
    name: 'resource-limits',
    ok: prlimit,
    detail: prlimit ? 'prlimit applies address-space, file and CPU limits' : 'prlimit not found',
    ...(prlimit ? {} : { fix: 'apt-get install util-linux (provides /usr/bin/prlimit)' }),
  });
  return done();
}
