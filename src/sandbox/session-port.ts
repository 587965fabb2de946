import type { Readable, Writable } from 'node:stream';
import type { SandboxMount, SandboxProfile } from './port.js';

/**
 * A long-lived sandboxed process that talks over stdin and stdout, such as a local MCP server
 * started for a pack: the same isolation as a one-shot step (namespaces, no network, seccomp,
 * limits, uid 1000, an allowlisted root), but it stays up across calls until stopped, idle, or
 * past its lifetime. Added beside the SandboxDriver port, which runs one-shot steps.
 */
export interface SessionSpec {
  /** argv, resolved inside the sandbox. */
  command: string[];
  env?: Record<string, string>;
  mounts?: SandboxMount[];
  /** Host folder bound read-write at /work; a private tmpfs when absent. */
  workDir?: string;
  /** The most the session lives; it is killed after this, whatever it is doing. */
  maxLifetimeMs: number;
}

/** A running sandboxed session. Its owner must call stop(); an exit hook is the last resort. */
export interface SandboxSession {
  readonly pid: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** The isolation the session runs under, for the audit record. */
  readonly profile: SandboxProfile;
  /** Resolves when the session has exited. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** The last characters it wrote to stderr, for error messages. */
  stderrTail(): string;
  /** Kills the session's whole process group and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts sandboxed sessions; throws SandboxError('unavailable') rather than run one unsandboxed. */
export interface SandboxSessionDriver {
  startSession(spec: SessionSpec): Promise<SandboxSession>;
}
