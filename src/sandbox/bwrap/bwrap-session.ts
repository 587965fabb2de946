import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { SandboxError } from '../errors.js';
import { effectiveLimits } from '../limits/resource-limits.js';
import { signalGroup } from '../process-group.js';
import { closeDescriptor, openSeccompFilter } from '../seccomp/seccomp-filter.js';
import type { SandboxSession, SandboxSessionDriver, SessionSpec } from '../session-port.js';
import { validateSpec } from '../spec-validation.js';
import { trackGroup, untrackGroup } from '../supervisor/exit-hook.js';
import { TailBuffer } from '../supervisor/line-splitter.js';
import { planBwrap, seccompFd } from './bwrap-arguments.js';
import type { BwrapDriver } from './bwrap-driver.js';
import { launchFailure } from './bwrap-status.js';
import { findPrlimit, hostLibraryLinks } from './host-tools.js';

const STDERR_TAIL_CHARS = 8 * 1024;
const STOP_GRACE_MS = 2000;

/**
 * Long-lived sessions under the same bubblewrap profile as the driver's steps: the driver's
 * binary, ceilings and seccomp filter, no network, and stdin/stdout as pipes. Without bwrap or
 * a filter it throws; nothing ever runs unsandboxed.
 */
export class BwrapSessionDriver implements SandboxSessionDriver {
  constructor(private readonly driver: BwrapDriver) {}

  async startSession(spec: SessionSpec): Promise<SandboxSession> {
    // The one-shot spec check covers argv, env, mounts and the work folder the same way.
    validateSpec({
      command: spec.command,
      ...(spec.env === undefined ? {} : { env: spec.env }),
      ...(spec.mounts === undefined ? {} : { mounts: spec.mounts }),
      ...(spec.workDir === undefined ? {} : { workDir: spec.workDir }),
      timeoutMs: spec.maxLifetimeMs,
      maxOutputBytes: 1024,
    });
    const binary = this.driver.resolveBinary();
    if (binary === undefined) throw launchFailure(this.driver.bwrapPath, undefined);
    const filter = this.driver.seccompFilter();
    if (filter === undefined)
      throw new SandboxError(
        'unavailable',
        `no seccomp filter for ${process.arch}; sessions are not run unfiltered`,
      );
    if (spec.workDir !== undefined) mkdirSync(spec.workDir, { recursive: true, mode: 0o700 });
    const root = process.getuid?.() === 0;
    const plan = planBwrap(
      {
        command: spec.command,
        ...(spec.env === undefined ? {} : { env: spec.env }),
        ...(spec.mounts === undefined ? {} : { mounts: spec.mounts }),
        ...(spec.workDir === undefined ? {} : { workDir: spec.workDir }),
        timeoutMs: spec.maxLifetimeMs,
        maxOutputBytes: 1024,
      },
      {
        limits: effectiveLimits(this.driver.ceilings(), undefined, spec.maxLifetimeMs),
        prlimitPath: findPrlimit(this.driver.options.prlimitPath ?? '/usr/bin/prlimit'),
        links: hostLibraryLinks(),
        seccomp: { fd: seccompFd, name: filter.name },
        processLimit: root ? 'none' : 'nproc',
        notes: root
          ? ['session processes not limited: a root caller has no per-session pids cgroup']
          : [],
      },
    );
    const fd = openSeccompFilter(filter);
    let child;
    try {
      child = spawn(binary, plan.args, {
        detached: true,
        env: {},
        cwd: '/',
        stdio: ['pipe', 'pipe', 'pipe', 'pipe', fd],
      });
    } finally {
      closeDescriptor(fd);
    }
    const started = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => reject(launchFailure(binary, error)));
      child.once('spawn', () => resolve(child.pid as number));
    });
    trackGroup(started);
    const stderr = new TailBuffer(STDERR_TAIL_CHARS);
    (child.stderr as Readable)
      .setEncoding('utf8')
      .on('data', (chunk: string) => stderr.push(chunk));
    (child.stdio[3] as Readable).resume(); // bwrap's status: drained, not needed here
    (child.stdin as Writable).on('error', () => undefined);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once('exit', (code, signal) => {
        signalGroup(started, 'SIGKILL');
        untrackGroup(started);
        clearTimeout(lifetime);
        resolve({ code, signal });
      });
    });
    const lifetime = setTimeout(() => signalGroup(started, 'SIGKILL'), spec.maxLifetimeMs);
    lifetime.unref();
    return {
      pid: started,
      stdin: child.stdin as Writable,
      stdout: child.stdout as Readable,
      profile: plan.profile,
      exited,
      stderrTail: () => stderr.toString(),
      async stop() {
        (child.stdin as Writable).end();
        signalGroup(started, 'SIGTERM');
        const grace = setTimeout(() => signalGroup(started, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(grace);
      },
    };
  }
}
