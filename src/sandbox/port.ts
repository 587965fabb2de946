/**
 * The sandbox port. Untrusted steps run through a SandboxDriver; trusted long-lived processes
 * (target systems, operator-configured local servers) through the Supervisor. These are the only
 * ways Castellan starts a process.
 */

/** A folder made visible inside the sandbox. */
export interface SandboxMount {
  hostPath: string;
  sandboxPath: string;
  readOnly: boolean;
}

/**
 * Limits a step asks for (from its tool's declaration). The driver intersects them with its
 * configured ceilings: a step never gets more than the ceiling, whatever it asks.
 */
export interface StepLimits {
  /** CPU time of each process, in seconds (RLIMIT_CPU). */
  cpuSeconds?: number;
  /** Address space of each process, in MiB (RLIMIT_AS). */
  memoryMb?: number;
  /** Processes and threads of the whole step (pids cgroup, or RLIMIT_NPROC when not root). */
  processes?: number;
  /** Open descriptors per process (RLIMIT_NOFILE). */
  openFiles?: number;
  /** Size of /work (tmpfs size, or a watched host folder), in MiB. */
  workDirMb?: number;
}

/** One network destination a tool declares. */
export interface EgressDestination {
  host: string;
  port: number;
}

/** Everything a driver needs to run one step; nothing is inherited from the caller. */
export interface SandboxSpec {
  /** argv, resolved inside the sandbox; never interpreted by a shell unless argv[0] is one. */
  command: string[];
  /** Environment inside the sandbox; empty unless the tool declares variables. */
  env?: Record<string, string>;
  /** Extra read-only or writable folders (pack files, a target's log folder). */
  mounts?: SandboxMount[];
  /** Host folder bound read-write at /work, private to this step; created when absent. */
  workDir?: string;
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Network: none by default. `egress` below, when policy permits it, adds the proxy. */
  network?: 'none';
  /** Limits the tool declares; the driver's ceilings cap them. */
  limits?: StepLimits;
  /**
   * Destinations the tool declares. Only those the driver's allowlist also permits are reached,
   * through a per-step proxy; the run id names the byte budget the step draws from.
   */
  egress?: { destinations: EgressDestination[]; runId: string };
  signal?: AbortSignal;
}

/** One connection a step opened through its egress proxy, as recorded in the audit entry. */
export interface EgressConnection {
  /** `host:port` as the step asked for it (attacker-controlled, length-capped). */
  destination: string;
  method: 'CONNECT' | 'HTTP' | 'unknown';
  /** The address the proxy connected to, after checking what the name resolved to. */
  address?: string;
  outcome: 'allowed' | 'refused' | 'cut';
  /** Why it was refused or cut: `not-allowlisted`, `forbidden-address:loopback`, `budget`... */
  reason?: string;
  /** Bytes from the destination to the step, and from the step to the destination. */
  bytesIn: number;
  bytesOut: number;
}

/** What a step's egress proxy saw: each connection, the step's bytes and the run's. */
export interface EgressReport {
  connections: EgressConnection[];
  /** Connections past the recording cap, counted but not listed. */
  omitted: number;
  bytesIn: number;
  bytesOut: number;
  run: { id: string; bytesIn: number; bytesOut: number; budgetIn: number; budgetOut: number };
}

export interface SandboxResult {
  exitCode: number | null; // null when killed by a signal
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  durationMs: number;
  /** Why the driver killed the step, when it did; absent when the step ended on its own. */
  killed?: 'timeout' | 'aborted' | 'output-limit' | 'workdir-limit';
  /** The profile that was applied, recorded in the audit entry. */
  profile: SandboxProfile;
  /** The step's egress, present when it had a proxy. */
  egress?: EgressReport;
}

/** The isolation a step actually ran under, as recorded in its audit entry. */
export interface SandboxProfile {
  driver: string;
  namespaces: string[];
  /** `none`, or `egress-proxy` when permitted destinations are reached through the proxy. */
  network: string;
  uid: number;
  mounts: string[];
  /** Syscall filter applied: its name and digest, or `none`. */
  seccomp?: string;
  /** Destinations the step may reach (declared and permitted), and those policy refused. */
  egress?: { permitted: string[]; refused: string[] };
  /** Resource limits applied, e.g. `as=1073741824`. */
  limits?: string[];
  /** Controls that were skipped on this host and why (e.g. prlimit missing). */
  notes?: string[];
}

/** Runs one untrusted step in isolation. */
export interface SandboxDriver {
  readonly name: string;
  /** Throws SandboxError('unavailable', ...) when the sandbox cannot start; never runs unsandboxed. */
  run(spec: SandboxSpec): Promise<SandboxResult>;
  /** Starts a trivial sandboxed process and reports what works and what is missing. */
  probe(): Promise<SandboxProbe>;
}

export interface SandboxProbe {
  ok: boolean;
  driver: string;
  checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }>;
}

/** A trusted child process that the supervisor owns and reaps. */
export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Starts and reaps trusted processes (targets, local servers); disposing stops them all. */
export interface Supervisor {
  start(options: {
    name: string;
    command: string[];
    cwd?: string;
    env?: Record<string, string>;
    /** Called with each line of stdout, e.g. to read a "listening on" line. */
    onLine?: (line: string) => void;
  }): Promise<SupervisedProcess>;
  list(): SupervisedProcess[];
  stopAll(): Promise<void>;
}
