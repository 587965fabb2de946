import type { StepLimits } from '../port.js';

/** Resource limits of one step, as the driver applies them. */
export interface ResourceLimits {
  /** Virtual address space per process (RLIMIT_AS). */
  addressSpaceBytes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** Largest file a process may write (RLIMIT_FSIZE); never above the work folder's size. */
  fileSizeBytes: number;
  /** Size of the sandbox's /tmp tmpfs. */
  tmpfsBytes: number;
  /** Processes and threads of the whole step. */
  processes: number;
  /** CPU seconds per process (RLIMIT_CPU); never above the wall-clock timeout plus a second. */
  cpuSeconds: number;
  /** Size of /work: the tmpfs size, or the most a watched host folder may hold. */
  workDirBytes: number;
}

const mebibyte = 1024 * 1024;

/** Limits that let common tools run while stopping a runaway step from starving the host. */
export const defaultLimits: ResourceLimits = {
  addressSpaceBytes: 2 * 1024 * mebibyte,
  openFiles: 256,
  fileSizeBytes: 256 * mebibyte,
  tmpfsBytes: 64 * mebibyte,
  processes: 128,
  cpuSeconds: 60,
  workDirBytes: 256 * mebibyte,
};

/** The ceilings a configuration gives, in the units tools declare them in. */
export function limitsFromSettings(settings: Required<StepLimits>): Partial<ResourceLimits> {
  return {
    cpuSeconds: settings.cpuSeconds,
    addressSpaceBytes: settings.memoryMb * mebibyte,
    processes: settings.processes,
    openFiles: settings.openFiles,
    workDirBytes: settings.workDirMb * mebibyte,
  };
}

function lower(ceiling: number, asked: number | undefined, scale = 1): number {
  return asked === undefined ? ceiling : Math.min(ceiling, asked * scale);
}

/**
 * The limits a step runs under: what its tool asked for, never above the driver's ceilings.
 * A tool can tighten its limits, not loosen them; CPU time also stays under the timeout.
 */
export function effectiveLimits(
  ceilings: ResourceLimits,
  asked: StepLimits | undefined,
  timeoutMs: number,
): ResourceLimits {
  const workDirBytes = lower(ceilings.workDirBytes, asked?.workDirMb, mebibyte);
  return {
    addressSpaceBytes: lower(ceilings.addressSpaceBytes, asked?.memoryMb, mebibyte),
    openFiles: lower(ceilings.openFiles, asked?.openFiles),
    fileSizeBytes: Math.min(ceilings.fileSizeBytes, workDirBytes),
    tmpfsBytes: ceilings.tmpfsBytes,
    processes: lower(ceilings.processes, asked?.processes),
    // The wall-clock timeout kills first; CPU time gets a second of slack over it.
    cpuSeconds: Math.min(
      lower(ceilings.cpuSeconds, asked?.cpuSeconds),
      Math.ceil(timeoutMs / 1000) + 1,
    ),
    workDirBytes,
  };
}
