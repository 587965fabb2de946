export { Gate } from './gate.js';
export type {
  GateAccess,
  GateDependencies,
  GateOutcome,
  GateStage,
  ModelInfo,
  ToolCallRequest,
} from './types.js';
export { fillTemplate } from './template.js';
