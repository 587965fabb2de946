import type { LoadedPack } from '../../../packs/index.js';
import type { RunRecord, StepRecord } from '../../../store/index.js';
import { RuntimeError } from '../../errors.js';
import { isTerminal } from '../../run-state.js';
import { llmState, llmStateSchema, type ConversationEntry, type LlmState } from './llm-state.js';
import { toolsByExternalName } from './tool-names.js';
import { refusedCallEntry, toolResultEntry } from './tool-result-message.js';

const MAX_RESULT_CHARS = 16_000;

/**
 * The state of a chat's next run: the previous run's conversation, closed (every call it asked
 * for answered, with its result, its denial or the reason it never ran, so the model knows), and
 * the same data marker. The new run starts tainted when the old one was: untrusted text in the
 * history is still in front of the model.
 */
export function continueConversation(
  previous: RunRecord,
  steps: readonly StepRecord[],
  packs: readonly LoadedPack[],
  profile: string,
  mode: LlmState['mode'],
): { state: LlmState; tainted: boolean } {
  if (!isTerminal(previous.status)) {
    throw new RuntimeError(
      'conflict',
      `run ${previous.id} is ${previous.status}; a conversation continues from a run that has ended`,
    );
  }
  const parsed = llmStateSchema.safeParse(previous.planner);
  if (!parsed.success)
    throw new RuntimeError('bad-plan', `run ${previous.id} was not a conversation with a model`);
  const old = parsed.data;
  const byId = new Map([...toolsByExternalName(packs).values()].map((tool) => [tool.id, tool]));
  const conversation: ConversationEntry[] = [...old.conversation];
  for (const waiting of old.pending) {
    const step = steps[waiting.stepIndex];
    conversation.push(
      step === undefined
        ? refusedCallEntry(
            { ...waiting, nonce: old.nonce },
            `the run ended ${previous.status} before this call`,
          )
        : toolResultEntry(
            {
              ...waiting,
              untrusted: byId.get(step.tool)?.manifest.untrustedOutput ?? true,
              nonce: old.nonce,
              maxChars: MAX_RESULT_CHARS,
            },
            step,
          ),
    );
  }
  for (const queued of old.queue) {
    conversation.push(
      refusedCallEntry(
        { ...queued, nonce: old.nonce },
        `the run ended ${previous.status} before this call: ${previous.reason ?? ''}`,
      ),
    );
  }
  return {
    // Earlier runs' entries already recorded the history; this run records what it adds.
    state: {
      ...llmState(profile, mode, conversation),
      nonce: old.nonce,
      recordedUpTo: old.conversation.length,
    },
    tainted: previous.tainted,
  };
}
