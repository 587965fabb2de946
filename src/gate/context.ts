import type { StageRecord } from '../audit/index.js';
import type { OutboundFacts } from '../guard/index.js';
import type { LoadedPack, LoadedTool } from '../packs/index.js';
import type { PolicyDecision } from '../policy/index.js';
import type { CapabilityClaims } from '../tokens/index.js';
import type { GateStage, ToolCallRequest } from './types.js';

/** What the stages learn about one call as it moves through the gate. */
export interface CallContext {
  request: ToolCallRequest;
  stages: StageRecord[];
  resolved?: {
    pack: LoadedPack;
    tool: LoadedTool;
    args: Record<string, unknown>;
    resource: { type: string; id: string };
  };
  claims?: CapabilityClaims;
  policy?: PolicyDecision;
  /** The approvers whose decision covers this call, once the approve stage passed. */
  approvers?: string[];
  /** The scope request the run now waits for, when authorize found a just-in-time scope missing. */
  elevation?: { requestId: string; scope: string; created: boolean; reason: string };
  /** What the call would send, gathered before policy decides (data classes, size, budgets). */
  outbound?: OutboundFacts;
  /** What the data stage lets the connector receive, and its size for the egress charge. */
  release?: { args: Record<string, unknown>; bytes: number; records: number };
  /** An approval the data rules ask for before this data leaves. */
  dataApproval?: { reasons: string[]; ruleIds: string[] };
}

/** A stage's verdict: pass, or a denial with a reason code and a reason a person can act on. */
export type StageVerdict =
  | { ok: true; detail?: Record<string, unknown> }
  | {
      ok: false;
      code: string;
      reason: string;
      policyIds?: string[];
      detail?: Record<string, unknown>;
    };

/** A denial verdict. */
export function deny(
  code: string,
  reason: string,
  extra: { policyIds?: string[]; detail?: Record<string, unknown> } = {},
): StageVerdict {
  return { ok: false, code, reason, ...extra };
}

/** Appends a stage's verdict to the context's trace. */
export function trace(context: CallContext, stage: GateStage, verdict: StageVerdict): void {
  const detail: Record<string, unknown> = { ...(verdict.detail ?? {}) };
  if (!verdict.ok) {
    detail.code = verdict.code;
    detail.reason = verdict.reason;
  }
  context.stages.push({ stage, ok: verdict.ok, detail });
}
