import type { PolicyEngine, ToolCallInput } from '../../policy/index.js';
import { toolCallRequest } from '../../policy/index.js';
import type { Store } from '../../store/index.js';

/** A policy decision as the audit log recorded it on a tool call's intent or denial. */
export interface RecordedDecision {
  seq: number;
  time: string;
  type: string;
  runId: string | undefined;
  stepIndex: number | undefined;
  tool: string;
  effect: string;
  policyIds: string[];
  policyVersion: number | undefined;
  /** What the decision saw, minus the argument values (those are the entry's `args`). */
  input: Record<string, unknown> | undefined;
  args: Record<string, unknown>;
  shadow: { version: number; effect: string; policyIds: string[] } | undefined;
}

const DECISION_TYPES = new Set(['tool-call-allowed', 'tool-call-denied', 'approval-requested']);
const PAGE = 500;

/**
 * Every policy decision in the audit log from `since` on, oldest first. Entries are read as
 * data: one whose policy stage has an unexpected shape is skipped, never trusted.
 */
export async function* recordedDecisions(
  store: Store,
  orgId: string,
  since = 1,
): AsyncGenerator<RecordedDecision> {
  for (let from = since; ; from += PAGE) {
    const rows = await store.audit.range(orgId, from, from + PAGE - 1);
    for (const row of rows) {
      const decision = readDecision(row.seq, row.entry);
      if (decision !== undefined) yield decision;
    }
    if (rows.length < PAGE) return;
  }
}

function readDecision(seq: number, entry: Record<string, unknown>): RecordedDecision | undefined {
  if (typeof entry.type !== 'string' || !DECISION_TYPES.has(entry.type)) return undefined;
  const stages = (entry.decision as { stages?: unknown } | undefined)?.stages;
  if (!Array.isArray(stages)) return undefined;
  const stage = stages.find(
    (item): item is { stage: string; detail: Record<string, unknown> } =>
      typeof item === 'object' && item !== null && (item as { stage?: unknown }).stage === 'policy',
  );
  const detail = stage?.detail;
  if (detail === undefined || typeof detail.effect !== 'string') return undefined;
  const shadow = detail.shadow as RecordedDecision['shadow'] | undefined;
  return {
    seq,
    time: String(entry.time ?? ''),
    type: entry.type,
    runId: typeof entry.runId === 'string' ? entry.runId : undefined,
    stepIndex: typeof entry.stepIndex === 'number' ? entry.stepIndex : undefined,
    tool: String(entry.tool ?? ''),
    effect: detail.effect,
    policyIds: Array.isArray(detail.policyIds) ? (detail.policyIds as string[]) : [],
    policyVersion: typeof detail.policyVersion === 'number' ? detail.policyVersion : undefined,
    input:
      typeof detail.input === 'object' && detail.input !== null
        ? (detail.input as Record<string, unknown>)
        : undefined,
    args:
      typeof entry.args === 'object' && entry.args !== null
        ? (entry.args as Record<string, unknown>)
        : {},
    shadow: typeof shadow?.effect === 'string' ? shadow : undefined,
  };
}

/** One decision that would come out differently. */
export interface ChangedDecision {
  seq: number;
  time: string;
  runId: string | undefined;
  stepIndex: number | undefined;
  tool: string;
  recorded: { effect: string; policyIds: string[]; version: number | undefined };
  candidate: {
    effect: string;
    policyIds: string[];
    version: number | undefined;
    reasons?: string[];
  };
}

/** What a replay or a shadow report found. */
export interface DecisionComparison {
  compared: number;
  /** Decisions recorded without what a replay needs (before this version of Castellan). */
  skipped: number;
  changed: ChangedDecision[];
}

/**
 * Decides every recorded call again under a candidate engine, from what the log holds: the
 * recorded policy input (principal, tool, resource, environment, taint, provenance, data
 * classes, egress, time) and the recorded arguments. Secrets were redacted from the arguments
 * before they were logged, so a policy that reads a secret's value cannot be replayed exactly.
 */
export async function replayDecisions(
  store: Store,
  orgId: string,
  candidate: PolicyEngine,
  since?: number,
): Promise<DecisionComparison> {
  const result: DecisionComparison = { compared: 0, skipped: 0, changed: [] };
  for await (const recorded of recordedDecisions(store, orgId, since)) {
    if (recorded.input === undefined) {
      result.skipped += 1;
      continue;
    }
    const input = { ...recorded.input, args: recorded.args } as unknown as ToolCallInput;
    let decision;
    try {
      decision = candidate.decide(toolCallRequest(input));
    } catch {
      result.skipped += 1;
      continue;
    }
    result.compared += 1;
    if (decision.effect === recorded.effect) continue;
    result.changed.push({
      ...where(recorded),
      recorded: recordedSide(recorded),
      candidate: {
        effect: decision.effect,
        policyIds: decision.policyIds,
        version: decision.policyVersion,
        ...(decision.effect === 'allow' ? {} : { reasons: decision.reasons }),
      },
    });
  }
  return result;
}

function recordedSide(recorded: RecordedDecision): ChangedDecision['recorded'] {
  return {
    effect: recorded.effect,
    policyIds: recorded.policyIds,
    version: recorded.policyVersion,
  };
}

/** Where the shadow set, decided beside the enforced one, answered differently. */
export async function shadowDifferences(
  store: Store,
  orgId: string,
  since?: number,
): Promise<DecisionComparison> {
  const result: DecisionComparison = { compared: 0, skipped: 0, changed: [] };
  for await (const recorded of recordedDecisions(store, orgId, since)) {
    if (recorded.shadow === undefined) continue;
    result.compared += 1;
    if (recorded.shadow.effect === recorded.effect) continue;
    result.changed.push({
      ...where(recorded),
      recorded: recordedSide(recorded),
      candidate: {
        effect: recorded.shadow.effect,
        policyIds: recorded.shadow.policyIds,
        version: recorded.shadow.version,
      },
    });
  }
  return result;
}

function where(recorded: RecordedDecision) {
  return {
    seq: recorded.seq,
    time: recorded.time,
    runId: recorded.runId,
    stepIndex: recorded.stepIndex,
    tool: recorded.tool,
  };
}
