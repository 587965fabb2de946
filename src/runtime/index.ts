export { RunEngine } from './run-engine.js';
export type { NewRun, RunEngineDependencies } from './run-engine.js';
export type { Planner, PlannerContext, PlannerState, PlannerTurn } from './planner.js';
export { ScriptedPlanner, scriptSchema, scriptedState } from './planners/scripted.js';
export type { Script } from './planners/scripted.js';
export { PlaybookPlanner, playbookState } from './planners/playbook.js';
export { resolveReferences, lookup, isPresent } from './planners/references.js';
export { RuntimeError } from './errors.js';
export type { RuntimeErrorCode } from './errors.js';
export { canMove, isAtRest, isTerminal, TERMINAL_STATUSES } from './run-state.js';
export { LlmPlanner } from './planners/llm/llm-planner.js';
export type { LlmPlannerDependencies } from './planners/llm/llm-planner.js';
export { llmState, llmStateSchema } from './planners/llm/llm-state.js';
export type { ConversationEntry, LlmState } from './planners/llm/llm-state.js';
export { createLanguageModel } from './planners/llm/providers.js';
export type { ModelResolver, ResolvedModel } from './planners/llm/providers.js';
export { externalToolName, toolsByExternalName } from './planners/llm/tool-names.js';
export { RunActivityBus } from './run-activity.js';
export type { RunActivity, RunActivityListener } from './run-activity.js';
export { continueConversation } from './planners/llm/chat-history.js';
export { DirectPlanner, directState } from './planners/direct.js';
export { planRollback } from './rollback/plan.js';
export type {
  Compensation,
  Conflict,
  Irreversible,
  ResourceObserver,
  RollbackPlan,
} from './rollback/plan.js';
export { RollbackPlanner, rollbackState } from './rollback/rollback-planner.js';
export type { RollbackState } from './rollback/rollback-planner.js';
export { findInterruption, recoveryFor, toolById } from './recovery.js';
export type { Interruption, Recovery } from './recovery.js';
