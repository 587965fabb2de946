export { PolicyEngine } from './engine.js';
export type { LoadOptions } from './engine.js';
export { generateSchema, argShape, projectToShape } from './schema.js';
export type { ArgShape, PolicySchema, SchemaTool } from './schema.js';
export { PolicyError } from './errors.js';
export type { PolicyErrorCode } from './errors.js';
export { toolCallRequest, castellanRef } from './tool-call.js';
export type { ToolCallInput, EgressContext } from './tool-call.js';
export { toCedarValue } from './cedar-value.js';
export { STARTER_POLICIES } from './starter.js';
export {
  ControlPlaneEngine,
  controlPlanePolicyFiles,
  controlPlaneRequest,
  controlPolicyId,
  CONTROL_ACTION_TYPE,
} from './control-plane.js';
export type { ControlPlanePrincipal } from './control-plane.js';
export type {
  ApprovalRule,
  EntityRef,
  PolicyDecision,
  PolicyEntity,
  PolicyInfo,
  PolicyRequest,
} from './types.js';
