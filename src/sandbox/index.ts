/**
 * The sandbox room: the only place Castellan starts processes. Untrusted steps run through a
 * SandboxDriver (bubblewrap, or one that refuses); trusted processes through the Supervisor.
 */
export type {
  StepLimits,
  EgressDestination,
  EgressConnection,
  EgressReport,
  SandboxMount,
  SandboxSpec,
  SandboxResult,
  SandboxProfile,
  SandboxDriver,
  SandboxProbe,
  SupervisedProcess,
  Supervisor,
} from './port.js';
export { SandboxError } from './errors.js';
export type { SandboxErrorCode } from './errors.js';
export { validateSpec } from './spec-validation.js';
export { BwrapDriver } from './bwrap/bwrap-driver.js';
export { defaultEgressBudget } from './bwrap/bwrap-driver.js';
export type { BwrapDriverOptions, EgressOptions } from './bwrap/bwrap-driver.js';
export { defaultLimits, limitsFromSettings } from './limits/resource-limits.js';
export type { ResourceLimits } from './limits/resource-limits.js';
export { EgressLedger } from './egress/egress-ledger.js';
export type { EgressBudget } from './egress/egress-ledger.js';
export { StepProxy } from './egress/egress-proxy.js';
export type { StepProxyOptions, Resolver } from './egress/egress-proxy.js';
export { AddressAllowance, classifyAddress } from './egress/address-rules.js';
export { intersectEgress } from './egress/destinations.js';
export { loadSeccompFilter, seccompFilterPath } from './seccomp/seccomp-filter.js';
export { RefusingDriver } from './refusing-driver.js';
export { createSandboxDriver } from './create-driver.js';
export { ProcessSupervisor, createSupervisor } from './supervisor/process-supervisor.js';
export type { StartOptions } from './supervisor/process-supervisor.js';
export type { SandboxSession, SandboxSessionDriver, SessionSpec } from './session-port.js';
export { BwrapSessionDriver } from './bwrap/bwrap-session.js';
export { createSessionDriver } from './create-session-driver.js';
