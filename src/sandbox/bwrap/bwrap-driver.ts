import { mkdirSync, statSync } from 'node:fs';
import { AddressAllowance } from '../egress/address-rules.js';
import { intersectEgress, parseAllowEntry } from '../egress/destinations.js';
import { EgressLedger, type EgressBudget } from '../egress/egress-ledger.js';
import type { Resolver } from '../egress/egress-proxy.js';
import { SandboxError } from '../errors.js';
import { effectiveLimits } from '../limits/resource-limits.js';
import type { SandboxDriver, SandboxProbe, SandboxResult, SandboxSpec } from '../port.js';
import { loadSeccompFilter, type SeccompFilter } from '../seccomp/seccomp-filter.js';
import { validateSpec } from '../spec-validation.js';
import { defaultLimits, type ResourceLimits } from './bwrap-arguments.js';
import { probeBwrap } from './bwrap-probe.js';
import { launchFailure } from './bwrap-status.js';
import { executeStep, type StepContext } from './bwrap-step.js';
import { findPrlimit, findUsrProgram, hostLibraryLinks, resolveProgram } from './host-tools.js';

/** Egress settings: what the operator allows, and the budget every run draws from. */
export interface EgressOptions {
  /** `host`, `host:port`, `*.domain` or `*.domain:port`; a step reaches what its tool declares AND this names. */
  allowHosts?: string[];
  /** Forbidden ranges (loopback, private, metadata...) allowed anyway, e.g. `10.1.0.0/16`. */
  allowAddressRanges?: string[];
  /** Bytes per run each way; default 1 MiB out, 64 MiB in. */
  budget?: Partial<EgressBudget>;
  /** Shared by drivers that serve the same runs; default one per driver. */
  ledger?: EgressLedger;
  /** Name resolution for the proxy; default the system resolver. */
  resolve?: Resolver;
}

/** Settings of the bubblewrap driver; every field has a default. */
export interface BwrapDriverOptions {
  /** A path, or a bare name looked up in the system folders (not PATH). Default `bwrap`. */
  bwrapPath?: string;
  /** prlimit inside the sandbox; default /usr/bin/prlimit, skipped with a note when absent. */
  prlimitPath?: string;
  /** The relay inside the sandbox for steps with egress; default /usr/bin/socat. */
  socatPath?: string;
  /** A compiled filter to use instead of the committed one for this architecture. */
  seccompFilterPath?: string;
  /** Ceilings: a step's declared limits are capped by these. */
  limits?: Partial<ResourceLimits>;
  egress?: EgressOptions;
}

/** The default egress budget of a run. */
export const defaultEgressBudget: EgressBudget = {
  bytesOut: 1024 * 1024,
  bytesIn: 64 * 1024 * 1024,
};

/** Creates the step's work folder private to the host user, as bwrap needs it to exist. */
function prepareWorkDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (!statSync(path).isDirectory()) {
    throw new SandboxError('bad-spec', `workDir is not a folder: ${path}`);
  }
}

/**
 * Runs steps under bubblewrap: no network (or only a per-step egress proxy), uid 1000, no
 * capabilities, a seccomp filter, resource limits, an allowlisted root.
 */
export class BwrapDriver implements SandboxDriver {
  readonly name = 'bwrap';
  readonly bwrapPath: string;
  readonly options: BwrapDriverOptions;
  private readonly prlimitPath: string;
  private readonly socatPath: string;
  private readonly limits: ResourceLimits;
  private readonly allowHosts: string[];
  private readonly allowance: AddressAllowance;
  private readonly ledger: EgressLedger;

  /** Throws a TypeError for a malformed allowlist entry or address range. */
  constructor(options: BwrapDriverOptions = {}) {
    this.options = options;
    this.bwrapPath = options.bwrapPath ?? 'bwrap';
    this.prlimitPath = options.prlimitPath ?? '/usr/bin/prlimit';
    this.socatPath = options.socatPath ?? '/usr/bin/socat';
    this.limits = { ...defaultLimits, ...options.limits };
    this.allowHosts = options.egress?.allowHosts ?? [];
    this.allowHosts.forEach(parseAllowEntry);
    this.allowance = new AddressAllowance(options.egress?.allowAddressRanges ?? []);
    this.ledger =
      options.egress?.ledger ??
      new EgressLedger({ ...defaultEgressBudget, ...options.egress?.budget });
  }

  /** The bwrap binary this driver would launch, or undefined when there is none. */
  resolveBinary(): string | undefined {
    return resolveProgram(this.bwrapPath);
  }

  /** True when resource limits will be applied (prlimit is present under /usr). */
  hasPrlimit(): boolean {
    return findPrlimit(this.prlimitPath) !== undefined;
  }

  /** The socat the egress bridge runs inside the sandbox, or undefined when there is none. */
  resolveSocat(): string | undefined {
    return findUsrProgram(this.socatPath);
  }

  /** The seccomp filter steps run under, or undefined when this host has none. */
  seccompFilter(): SeccompFilter | undefined {
    return loadSeccompFilter(this.options.seccompFilterPath);
  }

  /** The ceilings steps are capped by. */
  ceilings(): ResourceLimits {
    return { ...this.limits };
  }

  /** The same driver with other egress settings (the probe's own allowlist and ledger). */
  withEgress(egress: EgressOptions): BwrapDriver {
    return new BwrapDriver({ ...this.options, egress });
  }

  /** Runs one step; throws SandboxError('unavailable') when the sandbox cannot start. */
  async run(spec: SandboxSpec): Promise<SandboxResult> {
    validateSpec(spec);
    spec.signal?.throwIfAborted();
    const binary = this.resolveBinary();
    if (binary === undefined) throw launchFailure(this.bwrapPath, undefined);
    const filter = this.seccompFilter();
    if (filter === undefined) {
      throw new SandboxError(
        'unavailable',
        `no seccomp filter for ${process.arch} (${this.options.seccompFilterPath ?? 'committed filters cover x64 and arm64'}); steps are not run unfiltered`,
      );
    }
    const context: StepContext = {
      binary,
      limits: effectiveLimits(this.limits, spec.limits, spec.timeoutMs),
      prlimitPath: findPrlimit(this.prlimitPath),
      links: hostLibraryLinks(),
      filter,
    };
    if (spec.egress !== undefined) {
      const intersection = intersectEgress(spec.egress.destinations, this.allowHosts);
      const socatPath = this.resolveSocat();
      if (intersection.permitted.length > 0 && socatPath === undefined) {
        throw new SandboxError(
          'unavailable',
          `egress needs socat inside the sandbox (no executable at ${this.socatPath}): apt-get install socat`,
        );
      }
      context.egress = {
        ...intersection,
        socatPath: socatPath ?? this.socatPath,
        runId: spec.egress.runId,
        ledger: this.ledger,
        allowance: this.allowance,
        ...(this.options.egress?.resolve === undefined
          ? {}
          : { resolve: this.options.egress.resolve }),
      };
    }
    if (spec.workDir !== undefined) prepareWorkDir(spec.workDir);
    return executeStep(spec, context);
  }

  /** Runs `true` and a short inspection inside the sandbox; never throws. */
  probe(): Promise<SandboxProbe> {
    return probeBwrap(this);
  }
}
