/**
 * The sandbox room: the only place Castellan starts processes. Untrusted steps run through a
 * SandboxDriver (bubblewrap, or one that refuses); trusted processes through the Supervisor.
 */
export type {
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
export type { BwrapDriverOptions } from './bwrap/bwrap-driver.js';
export { defaultLimits } from './bwrap/bwrap-arguments.js';
export type { ResourceLimits } from './bwrap/bwrap-arguments.js';
export { RefusingDriver } from './refusing-driver.js';
export { createSandboxDriver } from './create-driver.js';
export { ProcessSupervisor, createSupervisor } from './supervisor/process-supervisor.js';
export type { StartOptions } from './supervisor/process-supervisor.js';
