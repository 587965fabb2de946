import { SandboxError } from '../errors.js';

/** Most status bytes kept; bwrap writes two short JSON lines, anything more is ignored. */
export const maxStatusBytes = 64 * 1024;

/**
 * True when bwrap reported the step's exit code on --json-status-fd. bwrap writes that line only
 * when its setup finished and the command was executed, so its absence means the sandbox itself
 * failed. The descriptor is closed before the step runs, so the step cannot forge this.
 */
export function stepStarted(statusText: string): boolean {
  return statusText.split('\n').some((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null && 'exit-code' in parsed;
    } catch {
      return false;
    }
  });
}

/** bwrap's own complaint when it could not exec the command (not a sandbox failure). */
export function commandNotFound(stderr: string): boolean {
  return /^bwrap: execvp /m.test(stderr);
}

/** The fix for a host where bwrap cannot create the step's user namespace. */
export const userNamespaceFix =
  'allow user namespaces: `sysctl -w kernel.unprivileged_userns_clone=1` (Debian) and ' +
  '`sysctl -w user.max_user_namespaces=15000`; on Ubuntu 23.10+ also ' +
  '`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` or an AppArmor profile for bwrap; ' +
  'in a container, run it with an unconfined seccomp and AppArmor profile';

const fixes: Array<{ pattern: RegExp; fix: string }> = [
  { pattern: /namespace|uid map|Operation not permitted/i, fix: userNamespaceFix },
  {
    pattern: /Unknown option|disable-userns|json-status-fd/i,
    fix: 'install bubblewrap 0.8 or later (apt-get install bubblewrap)',
  },
];

/** The error for a bwrap that exited before the step started, with a fix where one is known. */
export function setupFailure(
  stderr: string,
  exitCode: number | null,
  signal: string | null,
): SandboxError {
  const bwrapLines = stderr
    .split('\n')
    .filter((line) => line.startsWith('bwrap:'))
    .join('; ')
    .slice(0, 500);
  const what =
    bwrapLines !== ''
      ? bwrapLines
      : `bubblewrap ended before the step started (exit ${exitCode}, signal ${signal})`;
  const fix =
    fixes.find(({ pattern }) => pattern.test(bwrapLines))?.fix ??
    'run `castellan sandbox probe` and check that `bwrap --ro-bind /usr /usr true` works here';
  return new SandboxError('unavailable', `sandbox setup failed: ${what}; fix: ${fix}`, {
    details: { exitCode, signal, stderr: stderr.slice(0, 2000) },
  });
}

/** The error for a bwrap binary that could not be started at all. */
export function launchFailure(bwrapPath: string, cause: unknown): SandboxError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT' || code === undefined
      ? `bubblewrap is not installed (no executable at ${bwrapPath}): apt-get install bubblewrap, or set sandbox.bwrapPath`
      : `bubblewrap at ${bwrapPath} could not be started (${code}): check that it is executable`;
  return new SandboxError('unavailable', message, { cause, details: { bwrapPath } });
}
