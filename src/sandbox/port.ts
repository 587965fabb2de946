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
  /** Network: none by default (egress through a proxy arrives with the sandbox issue). */
  network?: 'none';
  signal?: AbortSignal;
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
  killed?: 'timeout' | 'aborted' | 'output-limit';
  /** The profile that was applied, recorded in the audit entry. */
  profile: SandboxProfile;
}

/** The isolation a step actually ran under, as recorded in its audit entry. */
export interface SandboxProfile {
  driver: string;
  namespaces: string[];
  network: string;
  uid: number;
  mounts: string[];
  /** Syscall filter applied, `none` until the seccomp issue lands. */
  seccomp?: string;
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
