import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../../core/index.js';
import type { AddressAllowance } from '../egress/address-rules.js';
import { formatDestination, type EgressIntersection } from '../egress/destinations.js';
import type { EgressLedger } from '../egress/egress-ledger.js';
import { StepProxy, type Resolver } from '../egress/egress-proxy.js';
import { createPidsCgroup, type PidsCgroup } from '../limits/pids-cgroup.js';
import type { ResourceLimits } from '../limits/resource-limits.js';
import { SandboxError } from '../errors.js';
import type { SandboxResult, SandboxSpec } from '../port.js';
import {
  closeDescriptor,
  openSeccompFilter,
  type SeccompFilter,
} from '../seccomp/seccomp-filter.js';
import { planBwrap, seccompFd, type PlanOptions } from './bwrap-arguments.js';
import { runBwrap } from './bwrap-run.js';

/** What the driver resolved for one step before anything is started. */
export interface StepContext {
  binary: string;
  limits: ResourceLimits;
  prlimitPath: string | undefined;
  links: PlanOptions['links'];
  filter: SeccompFilter;
  /** Set when the tool declared destinations: what policy permitted and refused. */
  egress?: EgressIntersection & {
    socatPath: string;
    runId: string;
    ledger: EgressLedger;
    allowance: AddressAllowance;
    resolve?: Resolver;
  };
}

const noProcessLimit =
  'processes not limited: Castellan runs as root, where RLIMIT_NPROC does not bind, and no ' +
  'writable pids cgroup (v1) was found; run Castellan as an unprivileged user';

/**
 * Runs one step with everything it owns: the seccomp descriptor, the pids cgroup, the egress
 * proxy and its socket folder. Each is released when the step ends, whatever way it ends.
 */
export async function executeStep(spec: SandboxSpec, context: StepContext): Promise<SandboxResult> {
  const { egress, limits } = context;
  const notes: string[] = [];
  let cgroup: PidsCgroup | undefined;
  let processLimit: PlanOptions['processLimit'] = 'nproc';
  if (process.getuid?.() === 0) {
    cgroup = createPidsCgroup(limits.processes);
    processLimit = cgroup === undefined ? 'none' : 'pids-cgroup';
    if (cgroup === undefined) notes.push(noProcessLimit);
  }
  let proxy: StepProxy | undefined;
  let socketFolder: string | undefined;
  let fd: number | undefined;
  try {
    let planEgress: PlanOptions['egress'];
    if (egress !== undefined && egress.permitted.length > 0) {
      socketFolder = mkdtempSync(join(tmpdir(), 'castellan-egress-'));
      const socketPath = join(socketFolder, 'proxy.sock');
      proxy = await StepProxy.start({
        socketPath,
        permitted: egress.permitted,
        allowance: egress.allowance,
        account: egress.ledger.account(egress.runId),
        ...(egress.resolve === undefined ? {} : { resolve: egress.resolve }),
      }).catch((error: unknown) => {
        throw new SandboxError(
          'unavailable',
          `the egress proxy could not start: ${describeError(error)}`,
          {
            cause: error,
          },
        );
      });
      planEgress = {
        socketPath,
        socatPath: egress.socatPath,
        permitted: egress.permitted.map(formatDestination),
        refused: egress.refused,
      };
    }
    fd = openSeccompFilter(context.filter);
    const plan = planBwrap(spec, {
      limits,
      prlimitPath: context.prlimitPath,
      links: context.links,
      seccomp: { fd: seccompFd, name: context.filter.name },
      processLimit,
      notes,
      ...(planEgress === undefined ? {} : { egress: planEgress }),
      ...(egress !== undefined && planEgress === undefined
        ? { egressRefused: egress.refused }
        : {}),
    });
    const pending = runBwrap(context.binary, plan, spec, {
      fds: [fd],
      ...(cgroup === undefined ? {} : { cgroupJoinPath: cgroup.joinPath }),
      ...(spec.workDir === undefined
        ? {}
        : { workDirLimit: { path: spec.workDir, maxBytes: limits.workDirBytes } }),
    });
    // The child has its own copy of the filter's descriptor once spawn returned.
    closeDescriptor(fd);
    fd = undefined;
    const result = await pending;
    if (proxy === undefined || egress === undefined) return result;
    await proxy.close();
    const account = egress.ledger.account(egress.runId);
    return {
      ...result,
      egress: {
        connections: proxy.connections,
        omitted: proxy.omitted,
        bytesIn: proxy.bytesIn,
        bytesOut: proxy.bytesOut,
        run: {
          id: egress.runId,
          bytesIn: account.bytesIn,
          bytesOut: account.bytesOut,
          budgetIn: account.budget.bytesIn,
          budgetOut: account.budget.bytesOut,
        },
      },
    };
  } finally {
    if (fd !== undefined) closeDescriptor(fd);
    await proxy?.close();
    if (socketFolder !== undefined) rmSync(socketFolder, { recursive: true, force: true });
    cgroup?.release();
  }
}
