import { mkdirSync, statSync } from 'node:fs';
import { SandboxError } from '../errors.js';
import type { SandboxDriver, SandboxProbe, SandboxResult, SandboxSpec } from '../port.js';
import { validateSpec } from '../spec-validation.js';
import { defaultLimits, planBwrap, type ResourceLimits } from './bwrap-arguments.js';
import { probeBwrap } from './bwrap-probe.js';
import { runBwrap } from './bwrap-run.js';
import { launchFailure } from './bwrap-status.js';
import { findPrlimit, hostLibraryLinks, resolveProgram } from './host-tools.js';

/** Settings of the bubblewrap driver; every field has a default. */
export interface BwrapDriverOptions {
  /** A path, or a bare name looked up in the system folders (not PATH). Default `bwrap`. */
  bwrapPath?: string;
  /** prlimit inside the sandbox; default /usr/bin/prlimit, skipped with a note when absent. */
  prlimitPath?: string;
  limits?: Partial<ResourceLimits>;
}

/** Creates the step's work folder private to the host user, as bwrap needs it to exist. */
function prepareWorkDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (!statSync(path).isDirectory()) {
    throw new SandboxError('bad-spec', `workDir is not a folder: ${path}`);
  }
}

/** Runs steps under bubblewrap: no network, uid 1000, no capabilities, an allowlisted root. */
export class BwrapDriver implements SandboxDriver {
  readonly name = 'bwrap';
  readonly bwrapPath: string;
  private readonly prlimitPath: string;
  private readonly limits: ResourceLimits;

  constructor(options: BwrapDriverOptions = {}) {
    this.bwrapPath = options.bwrapPath ?? 'bwrap';
    this.prlimitPath = options.prlimitPath ?? '/usr/bin/prlimit';
    this.limits = { ...defaultLimits, ...options.limits };
  }

  /** The bwrap binary this driver would launch, or undefined when there is none. */
  resolveBinary(): string | undefined {
    return resolveProgram(this.bwrapPath);
  }

  /** True when resource limits will be applied (prlimit is present under /usr). */
  hasPrlimit(): boolean {
    return findPrlimit(this.prlimitPath) !== undefined;
  }

  /** Runs one step; throws SandboxError('unavailable') when the sandbox cannot start. */
  async run(spec: SandboxSpec): Promise<SandboxResult> {
    validateSpec(spec);
    spec.signal?.throwIfAborted();
    const binary = this.resolveBinary();
    if (binary === undefined) throw launchFailure(this.bwrapPath, undefined);
    if (spec.workDir !== undefined) prepareWorkDir(spec.workDir);
    const plan = planBwrap(spec, {
      limits: this.limits,
      prlimitPath: findPrlimit(this.prlimitPath),
      links: hostLibraryLinks(),
    });
    return runBwrap(binary, plan, spec);
  }

  /** Runs `true` and a short inspection inside the sandbox; never throws. */
  probe(): Promise<SandboxProbe> {
    return probeBwrap(this);
  }
}
