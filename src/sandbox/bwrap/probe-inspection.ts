import { readlinkSync } from 'node:fs';
import type { SandboxProbe } from '../port.js';
import type { ResourceLimits } from '../limits/resource-limits.js';
import { sandboxUid } from './bwrap-arguments.js';

/**
 * What the probe looks at from inside a sandbox, and how each reading becomes a check. Every
 * property is observed in a running sandbox, never inferred from the argv.
 */

type Check = SandboxProbe['checks'][number];

/** Namespaces the step must not share with Castellan, by their /proc/self/ns names. */
const namespaces = ['user', 'mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup'];

/** The inspection script; `$@` are host paths that must not be visible. */
export const inspectionScript = [
  'echo "uid=$(id -u)"',
  'echo net-begin; cat /proc/net/dev; echo net-end',
  'for p in "$@"; do if [ -e "$p" ]; then echo "visible=$p"; fi; done',
  'if ! command -v unshare >/dev/null; then echo userns=unknown;',
  'elif unshare -U true 2>/dev/null; then echo userns=allowed; else echo userns=blocked; fi',
  `for ns in ${namespaces.join(' ')}; do echo "ns=$ns:$(readlink /proc/self/ns/$ns)"; done`,
  "grep -E '^Seccomp(_filters)?:' /proc/self/status | tr -d ' \\t' | sed 's/^/status=/'",
  "sed -n 's/^Max \\(cpu time\\|processes\\|open files\\|address space\\)  */limit=\\1=/p' /proc/self/limits",
].join('\n');

/** Lines `key=value` of the inspection output. */
export function valuesOf(output: string, key: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

function interfacesOf(output: string): string[] {
  const table = output.split('net-begin\n')[1]?.split('net-end')[0] ?? '';
  return table
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]?.trim() ?? '')
    .filter((name) => name !== '');
}

/** Checks of identity, network and filesystem isolation (the foundation's checks). */
export function isolationChecks(output: string, markers: string[]): Check[] {
  const uid = valuesOf(output, 'uid')[0] ?? 'unknown';
  const interfaces = interfacesOf(output);
  const visible = valuesOf(output, 'visible');
  const userns = valuesOf(output, 'userns')[0] ?? 'unknown';
  return [
    { name: 'runs-as-uid-1000', ok: uid === String(sandboxUid), detail: `id -u printed ${uid}` },
    {
      name: 'no-network',
      ok: output.includes('net-end') && interfaces.every((name) => name === 'lo'),
      detail: `interfaces: ${interfaces.join(', ') || 'none'}`,
    },
    {
      name: 'host-root-hidden',
      ok: output.includes('uid=') && visible.length === 0,
      detail: visible.length === 0 ? `not visible: ${markers.join(', ')}` : `visible: ${visible}`,
    },
    {
      name: 'nested-userns-blocked',
      ok: userns !== 'allowed',
      detail: `unshare -U inside the sandbox: ${userns}`,
      ...(userns === 'allowed'
        ? { fix: 'install bubblewrap 0.8 or later (--disable-userns)' }
        : {}),
    },
  ];
}

/** Every namespace differs from Castellan's own. */
export function namespaceCheck(output: string): Check {
  const inside = new Map(
    valuesOf(output, 'ns').map((entry) => {
      const [name = '', link = ''] = entry.split(':');
      return [name, link] as const;
    }),
  );
  const shared = namespaces.filter((name) => {
    let host: string;
    try {
      host = readlinkSync(`/proc/self/ns/${name}`);
    } catch {
      return false; // a namespace this kernel lacks cannot be shared
    }
    const seen = inside.get(name);
    return seen === undefined || seen === '' || seen === host;
  });
  return {
    name: 'namespaces',
    ok: shared.length === 0,
    detail:
      shared.length === 0
        ? `unshared from the host: ${namespaces.join(', ')}`
        : `shared with the host or unreadable: ${shared.join(', ')}`,
    ...(shared.length === 0 ? {} : { fix: 'install bubblewrap 0.8 or later (--unshare-all)' }),
  };
}

/** The filter is loaded in filter mode (Seccomp: 2) with at least one program. */
export function seccompCheck(output: string, filterName: string | undefined): Check {
  const status = valuesOf(output, 'status');
  const mode = status.find((line) => line.startsWith('Seccomp:'))?.split(':')[1];
  const filters = Number(status.find((line) => line.startsWith('Seccomp_filters:'))?.split(':')[1]);
  const ok = mode === '2' && filters >= 1 && filterName !== undefined;
  return {
    name: 'seccomp',
    ok,
    detail: ok
      ? `Seccomp: 2 inside, ${filters} filter(s); ${filterName}`
      : `Seccomp mode ${mode ?? 'unknown'}, filters ${Number.isNaN(filters) ? 'unknown' : filters}, filter ${filterName ?? 'missing'}`,
    ...(ok
      ? {}
      : {
          fix:
            filterName === undefined
              ? `no committed filter for ${process.arch}: run tools/seccomp/regenerate.sh on this architecture`
              : 'install bubblewrap 0.8 or later (--seccomp) on a kernel with CONFIG_SECCOMP_FILTER',
        }),
  };
}

/** The limits inside equal the ceilings the driver applies to a step that asks for nothing. */
export function limitsCheck(
  output: string,
  expected: ResourceLimits,
  processes: 'pids-cgroup' | 'nproc' | 'none',
  hasPrlimit: boolean,
): Check {
  const limits = new Map(
    valuesOf(output, 'limit').map((entry) => {
      const [name = '', soft = ''] = entry.split('=');
      return [name, soft.trim().split(/\s+/)[0] ?? ''] as const;
    }),
  );
  const wrong: string[] = [];
  const compare = (name: string, value: number): void => {
    if (limits.get(name) !== String(value))
      wrong.push(`${name} ${limits.get(name) ?? '?'}≠${value}`);
  };
  compare('open files', expected.openFiles);
  compare('address space', expected.addressSpaceBytes);
  compare('cpu time', expected.cpuSeconds);
  if (processes === 'nproc') compare('processes', expected.processes);
  const problems = [...(hasPrlimit ? [] : ['prlimit not found']), ...wrong];
  if (processes === 'none') problems.push('processes not limited (root caller, no pids cgroup)');
  return {
    name: 'resource-limits',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `open files ${expected.openFiles}, address space ${expected.addressSpaceBytes}, cpu ${expected.cpuSeconds}s, ` +
          `processes ${expected.processes} (${processes}), work folder ${expected.workDirBytes} bytes`
        : problems.join('; '),
    ...(problems.length === 0
      ? {}
      : {
          fix: hasPrlimit
            ? 'run Castellan as an unprivileged user (RLIMIT_NPROC then binds), or as root on a host with the cgroup v1 pids controller at /sys/fs/cgroup/pids'
            : 'apt-get install util-linux (provides /usr/bin/prlimit)',
        }),
  };
}
