import { bridgedCommand, proxyEnvironment, sandboxSocketPath } from '../egress/bridge.js';
import { defaultLimits, type ResourceLimits } from '../limits/resource-limits.js';
import type { SandboxProfile, SandboxSpec } from '../port.js';

export { defaultLimits };
export type { ResourceLimits };

/** The uid and gid every step runs as inside the sandbox. */
export const sandboxUid = 1000;

/** The descriptor bwrap reports its status on (the fourth stdio entry of the spawn). */
export const statusFd = 3;

/** The descriptor bwrap reads the seccomp filter from (the fifth stdio entry of the spawn). */
export const seccompFd = 4;

/** What the argv builder needs to know about the host and the driver's settings. */
export interface PlanOptions {
  limits: ResourceLimits;
  /** prlimit inside the sandbox, or undefined when the host has none. */
  prlimitPath: string | undefined;
  links: Array<{ target: string; link: string }>;
  /** A compiled BPF filter on an extra descriptor, passed as `--seccomp FD`. */
  seccomp?: { fd: number; name: string };
  /**
   * How the step's process count is capped: RLIMIT_NPROC (binds per sandbox for a non-root
   * caller), the pids cgroup bwrap is started in (a root caller), or not at all.
   */
  processLimit?: 'nproc' | 'pids-cgroup' | 'none';
  /** The step's proxy socket on the host and the bridge inside, when it has egress. */
  egress?: { socketPath: string; socatPath: string; permitted: string[]; refused: string[] };
  /** Declared destinations policy refused, when none was permitted (so there is no proxy). */
  egressRefused?: string[];
  /** Notes the driver adds to the profile (controls skipped on this host). */
  notes?: string[];
}

/** A bwrap argv and the profile it applies. */
export interface BwrapPlan {
  args: string[];
  profile: SandboxProfile;
}

/** Harmless host files that dynamic linking and common tools look for. */
const etcFiles = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/localtime',
];

/** Builds the bwrap argv for one step: an explicit allowlisted root, nothing inherited. */
export function planBwrap(spec: SandboxSpec, options: PlanOptions): BwrapPlan {
  const { limits } = options;
  const uid = String(sandboxUid);
  const args = [
    // --unshare-all covers user, ipc, pid, net, uts and cgroup; user is named again because
    // --disable-userns requires it explicitly.
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    // No --new-session: runBwrap spawns bwrap detached, which already puts it and the step in a
    // new session without a controlling terminal (no TIOCSTI into Castellan's terminal). A second
    // setsid() costs a scheduler autogroup, about 5 ms per step on this kind of host.
    '--uid',
    uid,
    '--gid',
    uid,
    // Without this a root caller's step keeps full capabilities inside its namespaces.
    '--cap-drop',
    'ALL',
    '--hostname',
    'sandbox',
    '--clearenv',
  ];
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: '/work',
    ...spec.env,
    ...(options.egress === undefined ? {} : proxyEnvironment()),
  };
  for (const [name, value] of Object.entries(env)) args.push('--setenv', name, value);

  const mounts: string[] = ['ro:/usr'];
  args.push('--ro-bind', '/usr', '/usr');
  for (const { target, link } of options.links) args.push('--symlink', target, link);
  for (const file of etcFiles) args.push('--ro-bind-try', file, file);
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--size', String(limits.tmpfsBytes), '--tmpfs', '/tmp');
  if (spec.workDir !== undefined) {
    args.push('--bind', spec.workDir, '/work');
    mounts.push(`rw:${spec.workDir}->/work`);
  } else {
    args.push('--size', String(limits.workDirBytes), '--tmpfs', '/work');
    mounts.push('tmpfs:/work');
  }
  if (options.egress !== undefined) {
    // A socket file, read-only: connect() needs no write access to the mount.
    args.push('--ro-bind', options.egress.socketPath, sandboxSocketPath);
    mounts.push(`socket:egress-proxy->${sandboxSocketPath}`);
  }
  for (const mount of spec.mounts ?? []) {
    args.push(mount.readOnly ? '--ro-bind' : '--bind', mount.hostPath, mount.sandboxPath);
    mounts.push(`${mount.readOnly ? 'ro' : 'rw'}:${mount.hostPath}->${mount.sandboxPath}`);
  }
  // The root bwrap builds is a tmpfs; read-only, so only /work and /tmp take writes.
  args.push('--remount-ro', '/');
  args.push('--chdir', '/work', '--json-status-fd', String(statusFd));
  if (options.seccomp !== undefined) args.push('--seccomp', String(options.seccomp.fd));
  args.push('--');

  const notes: string[] = [...(options.notes ?? [])];
  const applied: string[] = [];
  const processLimit = options.processLimit ?? 'none';
  if (options.prlimitPath !== undefined) {
    const flags = [
      `--as=${limits.addressSpaceBytes}`,
      `--nofile=${limits.openFiles}`,
      `--fsize=${limits.fileSizeBytes}`,
      `--cpu=${limits.cpuSeconds}`,
    ];
    // RLIMIT_NPROC counts per user namespace and host uid, so it caps this sandbox alone; for a
    // root caller the kernel ignores it and the pids cgroup does the job instead.
    if (processLimit === 'nproc') flags.push(`--nproc=${limits.processes}`);
    args.push(options.prlimitPath, ...flags, '--');
    applied.push(...flags.map((flag) => flag.slice(2)));
  } else {
    notes.push('prlimit not found under /usr: no address-space, file, CPU or process limits');
  }
  if (processLimit === 'pids-cgroup') applied.push(`pids=${limits.processes}`);
  applied.push(`tmpfs=${limits.tmpfsBytes}`, `workdir=${limits.workDirBytes}`);
  const egress = options.egress;
  args.push(
    ...(egress === undefined ? spec.command : bridgedCommand(egress.socatPath, spec.command)),
  );
  const refused = egress?.refused ?? options.egressRefused ?? [];
  const declared = egress !== undefined || refused.length > 0;
  return {
    args,
    profile: {
      driver: 'bwrap',
      namespaces: ['mount', 'user', 'pid', 'net', 'ipc', 'uts', 'cgroup'],
      network: egress === undefined ? 'none' : 'egress-proxy',
      uid: sandboxUid,
      mounts,
      seccomp: options.seccomp?.name ?? 'none',
      ...(declared ? { egress: { permitted: egress?.permitted ?? [], refused } } : {}),
      limits: applied,
      notes,
    },
  };
}
