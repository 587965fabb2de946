import type { SandboxProfile, SandboxSpec } from '../port.js';

/** The uid and gid every step runs as inside the sandbox. */
export const sandboxUid = 1000;

/** The descriptor bwrap reports its status on (the fourth stdio entry of the spawn). */
export const statusFd = 3;

/** Resource limits applied through prlimit inside the sandbox. */
export interface ResourceLimits {
  /** Virtual address space per process (RLIMIT_AS). */
  addressSpaceBytes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** Largest file a process may write (RLIMIT_FSIZE). */
  fileSizeBytes: number;
  /** Size of each tmpfs the driver creates (/tmp, and /work when no workDir is given). */
  tmpfsBytes: number;
}

/** Limits that let common tools run while stopping a runaway step from starving the host. */
export const defaultLimits: ResourceLimits = {
  addressSpaceBytes: 2 * 1024 * 1024 * 1024,
  openFiles: 256,
  fileSizeBytes: 256 * 1024 * 1024,
  tmpfsBytes: 64 * 1024 * 1024,
};

/** What the argv builder needs to know about the host and the driver's settings. */
export interface PlanOptions {
  limits: ResourceLimits;
  /** prlimit inside the sandbox, or undefined when the host has none. */
  prlimitPath: string | undefined;
  links: Array<{ target: string; link: string }>;
  /**
   * Seam for the seccomp issue: a compiled BPF filter on an extra descriptor, passed as
   * `--seccomp FD`. Nothing supplies one yet, and the profile then says `seccomp: none`.
   */
  seccomp?: { fd: number; name: string };
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
    '--new-session',
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
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: '/work', ...spec.env };
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
    args.push('--size', String(limits.tmpfsBytes), '--tmpfs', '/work');
    mounts.push('tmpfs:/work');
  }
  for (const mount of spec.mounts ?? []) {
    args.push(mount.readOnly ? '--ro-bind' : '--bind', mount.hostPath, mount.sandboxPath);
    mounts.push(`${mount.readOnly ? 'ro' : 'rw'}:${mount.hostPath}->${mount.sandboxPath}`);
  }
  args.push('--chdir', '/work', '--json-status-fd', String(statusFd));
  if (options.seccomp !== undefined) args.push('--seccomp', String(options.seccomp.fd));
  args.push('--');

  const notes: string[] = [];
  const applied: string[] = [];
  if (options.prlimitPath !== undefined) {
    // CPU time gets a second of slack over the wall-clock timeout, which kills first.
    const cpuSeconds = Math.ceil(spec.timeoutMs / 1000) + 1;
    const flags = [
      `--as=${limits.addressSpaceBytes}`,
      `--nofile=${limits.openFiles}`,
      `--fsize=${limits.fileSizeBytes}`,
      `--cpu=${cpuSeconds}`,
    ];
    args.push(options.prlimitPath, ...flags, '--');
    applied.push(...flags.map((flag) => flag.slice(2)));
  } else {
    notes.push('prlimit not found under /usr: no address-space, file or CPU limits applied');
  }
  // RLIMIT_NPROC is left out on purpose: it counts the host uid's processes and does not bind
  // at all when the host uid is root.
  args.push(...spec.command);

  return {
    args,
    profile: {
      driver: 'bwrap',
      namespaces: ['mount', 'user', 'pid', 'net', 'ipc', 'uts', 'cgroup'],
      network: 'none',
      uid: sandboxUid,
      mounts,
      seccomp: options.seccomp?.name ?? 'none',
      limits: [...applied, `tmpfs=${limits.tmpfsBytes}`],
      notes,
    },
  };
}
