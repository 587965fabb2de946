import type { AuditLog } from '../../../audit/index.js';
import { digestOf } from '../../../core/index.js';
import { redactSecrets } from '../../../guard/index.js';
import type { RunRecord } from '../../../store/index.js';
import type { ArgumentSource } from '../../../guard/index.js';
import type { ConversationEntry } from './llm-state.js';
import type { AttemptFailure, ModelReply } from './model-call.js';
import type { ResolvedModel } from './providers.js';

/** A call of a reply as the log records it. */
export type RecordedCall =
  | {
      id: string;
      name: string;
      tool: string;
      args: Record<string, unknown>;
      provenance: Record<string, ArgumentSource>;
    }
  | { id: string; name: string; refused: string };

/** What one model call's entry says. */
export interface ModelCallRecord {
  run: RunRecord;
  stepIndex: number;
  resolved: ResolvedModel;
  phase: 'planning' | 'acting';
  systemDigest: string;
  promptDigest: string;
  /** The conversation entries this call saw for the first time (earlier ones are in earlier entries). */
  promptAdded: ConversationEntry[];
  reply: ModelReply;
  calls: RecordedCall[];
  costUsd: number;
  runUsage: Record<string, number>;
}

/**
 * Appends `model-called`: provider, model id and the version the provider reported, tokens,
 * latency, digests of prompt and reply, and, when the profile keeps text, the reply and the
 * proposed arguments inline and the new prompt text as a `prompt` payload (secrets redacted).
 * An append that fails throws, and the planner's turn fails with it: a model call that cannot be
 * recorded does not lead to a step.
 */
export async function recordModelCall(audit: AuditLog, record: ModelCallRecord): Promise<void> {
  const { run, resolved, reply } = record;
  const keepText = resolved.profile.recordText;
  const calls = record.calls.map((call) =>
    'refused' in call
      ? call
      : {
          id: call.id,
          name: call.name,
          tool: call.tool,
          argsDigest: digestOf(call.args),
          provenance: call.provenance,
          ...(keepText ? { args: redactSecrets(call.args).value } : {}),
        },
  );
  await audit.append({
    type: 'model-called',
    runId: run.id,
    stepIndex: record.stepIndex,
    actor: { user: run.requestedBy, agent: run.agentId },
    model: {
      provider: resolved.profile.provider,
      id: resolved.profile.model,
      version: reply.responseModelId,
    },
    details: {
      profile: resolved.profileName,
      phase: record.phase,
      attempts: reply.attempts,
      latencyMs: reply.latencyMs,
      finishReason: reply.finishReason,
      ...(reply.responseId === undefined ? {} : { responseId: reply.responseId }),
      usage: reply.usage,
      costUsd: record.costUsd,
      runUsage: record.runUsage,
      systemDigest: record.systemDigest,
      promptDigest: record.promptDigest,
      replyDigest: digestOf({ text: reply.text, calls: reply.toolCalls }),
      calls,
      ...(keepText ? { text: redactSecrets(reply.text).value } : {}),
    },
    // The prompt's new text (the task, tool results) is a payload: bound by digest, so audit
    // retention can empty it later while the entry and every hash stay as they were.
    ...(keepText
      ? {
          payloads: { prompt: { class: 'prompt', value: redactSecrets(record.promptAdded).value } },
        }
      : {}),
  });
}

/** Appends `model-call-failed` for one failed attempt. */
export async function recordModelFailure(
  audit: AuditLog,
  run: RunRecord,
  stepIndex: number,
  resolved: ResolvedModel,
  failure: AttemptFailure,
): Promise<void> {
  await audit.append({
    type: 'model-call-failed',
    runId: run.id,
    stepIndex,
    actor: { user: run.requestedBy, agent: run.agentId },
    details: {
      profile: resolved.profileName,
      provider: resolved.profile.provider,
      model: resolved.profile.model,
      ...failure,
    },
  });
}
