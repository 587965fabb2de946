import type { ModelInfo } from '../gate/index.js';
import type { LoadedPack } from '../packs/index.js';
import type { AgentRecord, RunRecord, StepRecord } from '../store/index.js';

/** Durable planner state: kept in the run record, so any process can take the next turn. */
export type PlannerState = { kind: string; [key: string]: unknown };

/** What a planner sees: the task, the agent, its packs and every step so far (results redacted). */
export interface PlannerContext {
  run: RunRecord;
  agent: AgentRecord;
  packs: LoadedPack[];
  steps: StepRecord[];
  state: PlannerState;
}

/** A planner's turn: propose one tool call, or finish. Models are recorded with what they did. */
export type PlannerTurn =
  | {
      kind: 'call';
      tool: string;
      args: Record<string, unknown>;
      model?: ModelInfo;
      state: PlannerState;
    }
  | { kind: 'finish'; summary: string; model?: ModelInfo; state: PlannerState }
  | { kind: 'fail'; reason: string; model?: ModelInfo; state: PlannerState };

/**
 * The planner port: playbooks, scripted plans for tests and red-team exercises, and (later) an
 * LLM. A planner proposes; it never executes: every call goes through the gate.
 */
export interface Planner {
  readonly kind: string;
  next(context: PlannerContext): Promise<PlannerTurn>;
  /**
   * The state the resource must be in right before step `stepIndex` runs, read from durable
   * state (a rollback expects what the undone call left); the gate denies the call otherwise.
   */
  expectState?(
    state: PlannerState,
    stepIndex: number,
  ): { fields: string[] | undefined; value: unknown; why: string } | undefined;
}
