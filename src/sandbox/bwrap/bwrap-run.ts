import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { watchWorkDir } from '../limits/work-dir-watch.js';
import { BoundedCapture } from '../output-capture.js';
import { signalGroup } from '../process-group.js';
import type { SandboxResult, SandboxSpec } from '../port.js';
import type { BwrapPlan } from './bwrap-arguments.js';
import {
  commandNotFound,
  launchFailure,
  maxStatusBytes,
  setupFailure,
  stepStarted,
} from './bwrap-status.js';

/** How long to wait for pipes to close after a kill before giving up on them. */
const closeGraceMs = 2000;

type KillReason = NonNullable<SandboxResult['killed']>;

/** What a run needs beyond the argv: descriptors, a cgroup to join, a folder to watch. */
export interface RunExtras {
  /** Descriptors handed to bwrap from fd 4 on (the seccomp filter); the caller closes its own. */
  fds?: number[];
  /** The step's pids cgroup (its `tasks` file): bwrap starts inside, so all it forks counts. */
  cgroupJoinPath?: string;
  /** A host work folder and the most it may hold; the step is killed past it. */
  workDirLimit?: { path: string; maxBytes: number };
}

/**
 * Joins the cgroup, then becomes bwrap. Writing "0" moves the writer itself, so bwrap starts
 * inside the cgroup and nothing it forks can escape the count by racing the move.
 */
const joinCgroupScript = 'echo 0 > "$1" || exit 126; shift; exec "$@"';

/**
 * Spawns bwrap with an explicit argv (never a shell), in its own process group so a timeout,
 * an abort or an output flood kills bwrap, its init and with it the step's whole pid namespace.
 */
export function runBwrap(
  bwrapPath: string,
  plan: BwrapPlan,
  spec: SandboxSpec,
  extras: RunExtras = {},
): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stdout = new BoundedCapture(spec.maxOutputBytes);
    const stderr = new BoundedCapture(spec.maxOutputBytes);
    let status = '';
    let killed: KillReason | undefined;
    let settled = false;

    const [file, args] =
      extras.cgroupJoinPath === undefined
        ? [bwrapPath, plan.args]
        : [
            '/bin/sh',
            [
              '-c',
              joinCgroupScript,
              'castellan-pids',
              extras.cgroupJoinPath,
              bwrapPath,
              ...plan.args,
            ],
          ];
    const child: ChildProcess = spawn(file, args, {
      detached: true,
      // bwrap clears the step's environment itself; it gets nothing from ours either.
      env: {},
      cwd: '/',
      stdio: [
        spec.stdin === undefined ? 'ignore' : 'pipe',
        'pipe',
        'pipe',
        'pipe',
        ...(extras.fds ?? []),
      ],
    });
    // All three are pipes by the stdio setting above, so they exist once spawn returned.
    const out = child.stdout as Readable;
    const err = child.stderr as Readable;
    const statusPipe = child.stdio[3] as Readable;

    const kill = (reason: KillReason): void => {
      if (killed !== undefined || child.pid === undefined) return;
      killed = reason;
      signalGroup(child.pid, 'SIGKILL');
      // A pipe held open by something outside the group must not hang the step forever.
      setTimeout(() => {
        for (const stream of [out, err, statusPipe]) stream.destroy();
      }, closeGraceMs).unref();
    };
    const timer = setTimeout(() => kill('timeout'), spec.timeoutMs);
    const onAbort = (): void => kill('aborted');
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const limit = extras.workDirLimit;
    const stopWatch =
      limit === undefined
        ? undefined
        : watchWorkDir(limit.path, limit.maxBytes, () => kill('workdir-limit'));
    const cleanup = (): void => {
      clearTimeout(timer);
      stopWatch?.();
      spec.signal?.removeEventListener('abort', onAbort);
    };

    const read = (stream: Readable, capture: BoundedCapture): void => {
      stream.on('data', (chunk: Buffer) => {
        if (capture.push(chunk) === 'flooding') {
          stream.destroy();
          kill('output-limit');
        }
      });
      stream.on('error', () => undefined);
    };
    read(out, stdout);
    read(err, stderr);
    statusPipe.on('data', (chunk: Buffer) => {
      if (status.length < maxStatusBytes) status += chunk.toString('utf8');
    });
    statusPipe.on('error', () => undefined);
    if (child.stdin !== null) {
      // A step that never reads its input closes the pipe early; that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(spec.stdin);
    }

    child.once('error', (error) => {
      cleanup();
      if (settled) return;
      settled = true;
      reject(launchFailure(bwrapPath, error));
    });

    child.once('close', (code, signal) => {
      cleanup();
      if (settled) return;
      settled = true;
      const stderrText = stderr.text();
      let exitCode = code;
      if (killed === undefined && !stepStarted(status)) {
        if (!commandNotFound(stderrText)) {
          reject(setupFailure(stderrText, code, signal));
          return;
        }
        exitCode = 127; // the shell's code for a missing command, as prlimit reports it too
      }
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderrText,
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        timedOut: killed === 'timeout',
        durationMs: Math.round(performance.now() - started),
        ...(killed === undefined ? {} : { killed }),
        profile: plan.profile,
      });
    });
  });
}
