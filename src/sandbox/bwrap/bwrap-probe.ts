import { existsSync } from 'node:fs';
import { describeError } from '../../core/index.js';
import { effectiveLimits } from '../limits/resource-limits.js';
import type { SandboxProbe } from '../port.js';
import type { BwrapDriver } from './bwrap-driver.js';
import { userNamespaceFix } from './bwrap-status.js';
import { probeEgress } from './probe-egress.js';
import {
  inspectionScript,
  isolationChecks,
  limitsCheck,
  namespaceCheck,
  seccompCheck,
} from './probe-inspection.js';

type Check = SandboxProbe['checks'][number];

/** Host paths that must not be visible inside; only those present on this host are tested. */
const hostMarkers = ['/root', '/etc/passwd', '/etc/hostname', '/etc/shadow', '/home', '/var'];

const userNamespaceError = /namespace|uid map|setting up uid|Operation not permitted/i;

/** How the step's processes were capped, read from the profile the driver recorded. */
function processMode(limits: string[] | undefined): 'pids-cgroup' | 'nproc' | 'none' {
  if (limits?.some((limit) => limit.startsWith('pids='))) return 'pids-cgroup';
  if (limits?.some((limit) => limit.startsWith('nproc='))) return 'nproc';
  return 'none';
}

/**
 * The probe of the bubblewrap driver (`castellan doctor`): each property is checked in a running
 * sandbox, not assumed, and each failure says how to fix it. Never throws.
 */
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
    const detail = describeError(error);
    if (userNamespaceError.test(detail)) {
      checks.push({ name: 'user-namespaces', ok: false, detail, fix: userNamespaceFix });
    } else {
      const fix = 'see the message; `bwrap --ro-bind /usr /usr true` shows the host error';
      checks.push({ name: 'sandbox-starts', ok: false, detail, fix });
    }
    return done();
  }

  const markers = hostMarkers.filter((path) => existsSync(path));
  const command = ['sh', '-c', inspectionScript, 'probe', ...markers];
  const inspected = await driver.run({ ...base, command }).catch(() => undefined);
  const output = inspected?.stdout ?? '';
  checks.push(...isolationChecks(output, markers));
  checks.push(namespaceCheck(output));
  checks.push(seccompCheck(output, driver.seccompFilter()?.name));
  checks.push(
    limitsCheck(
      output,
      effectiveLimits(driver.ceilings(), undefined, base.timeoutMs),
      processMode(inspected?.profile.limits),
      driver.hasPrlimit(),
    ),
  );
  checks.push(await probeEgress(driver));
  return done();
}
