import type { ModelProfile } from '../config/index.js';
import type { PackCatalog } from '../packs/index.js';
import { continueConversation, llmState, type LlmState } from '../runtime/index.js';
import type { AgentRecord, Store, UserRecord } from '../store/index.js';
import { ApiError } from './errors.js';

/** What starting an LLM run asks for. */
export interface LlmRunRequest {
  /** A model profile name; the agent's own profile, then `default`, when absent. */
  model?: string | undefined;
  /** An earlier run of the same agent and user whose conversation this run continues. */
  continueFrom?: string | undefined;
}

/**
 * The initial planner state of an LLM run. The plan-then-execute mode comes from the agent
 * record only: whoever starts a run cannot switch a sensitive agent back to free acting. A
 * continuation must be the same agent's and the same user's, and ended.
 */
export async function llmRunState(
  store: Store,
  catalog: PackCatalog,
  profiles: Readonly<Record<string, ModelProfile>>,
  orgId: string,
  agent: AgentRecord,
  actor: UserRecord,
  request: LlmRunRequest,
): Promise<{ state: LlmState; tainted: boolean }> {
  const profile = request.model ?? agent.planner.model ?? 'default';
  if (!Object.prototype.hasOwnProperty.call(profiles, profile)) {
    throw new ApiError(
      'bad-input',
      `no model profile "${profile}" for agent ${agent.id}; add one under "models" in castellan.json (profiles: ${Object.keys(profiles).join(', ') || 'none'})`,
    );
  }
  const mode = agent.planner.mode ?? 'react';
  if (request.continueFrom === undefined) return { state: llmState(profile, mode), tainted: false };
  const previous = await store.runs.get(orgId, request.continueFrom);
  if (
    previous === undefined ||
    previous.requestedBy !== actor.id ||
    previous.agentId !== agent.id
  ) {
    // One message for all three: a user learns nothing about runs that are not theirs.
    throw new ApiError(
      'bad-input',
      `run ${request.continueFrom} is not an earlier conversation of yours with ${agent.id}`,
    );
  }
  const steps = await store.steps.listForRun(orgId, previous.id);
  const packs = agent.packs.flatMap((name) => {
    const pack = catalog.get(name);
    return pack === undefined ? [] : [pack];
  });
  try {
    return continueConversation(previous, steps, packs, profile, mode);
  } catch (error) {
    throw new ApiError('bad-input', error instanceof Error ? error.message : String(error));
  }
}
