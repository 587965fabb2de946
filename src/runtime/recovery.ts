import type { PackCatalog, ToolManifest } from '../packs/index.js';
import type { RunRecord, Store } from '../store/index.js';

/**
 * What happened to a step whose outcome was never stored (the process died mid-step), read from
 * the audit log, which is written before and after every action:
 *  - `nothing-ran`: no intent was committed, so the connector was never called;
 *  - `no-outcome`: the intent was committed and no outcome: the effect may or may not exist;
 *  - `outcome-recorded`: the call finished and was logged, but its result was lost before the
 *    step was stored.
 */
export type Interruption =
  | { kind: 'nothing-ran' }
  | { kind: 'no-outcome'; tool: string; intentSeq: number; intentTime: string }
  | {
      kind: 'outcome-recorded';
      tool: string;
      outcome: 'succeeded' | 'failed';
      intentSeq: number;
      outcomeSeq: number;
    };

/** Reads the audit log of one step to say how far its last attempt got. */
export async function findInterruption(
  store: Store,
  run: RunRecord,
  stepIndex: number,
): Promise<Interruption> {
  const entries = (await store.audit.forRun(run.orgId, run.id)).filter(
    (row) => row.entry.stepIndex === stepIndex,
  );
  const allowedAt = entries.map((row) => row.entry.type).lastIndexOf('tool-call-allowed');
  const intent = entries[allowedAt];
  if (intent === undefined) return { kind: 'nothing-ran' };
  const tool = String(intent.entry.tool ?? '');
  const outcome = entries
    .slice(allowedAt + 1)
    .find(
      (row) => row.entry.type === 'tool-call-succeeded' || row.entry.type === 'tool-call-failed',
    );
  if (outcome === undefined) {
    return {
      kind: 'no-outcome',
      tool,
      intentSeq: intent.seq,
      intentTime: String(intent.entry.time ?? ''),
    };
  }
  return {
    kind: 'outcome-recorded',
    tool,
    outcome: outcome.entry.type === 'tool-call-succeeded' ? 'succeeded' : 'failed',
    intentSeq: intent.seq,
    outcomeSeq: outcome.seq,
  };
}

/** The manifest of a resolved tool id (`@scope/pack/tool`), or undefined when it is not loaded. */
export function toolById(catalog: PackCatalog, toolId: string): ToolManifest | undefined {
  const cut = toolId.lastIndexOf('/');
  if (cut <= 0) return undefined;
  return catalog.get(toolId.slice(0, cut))?.tools.get(toolId.slice(cut + 1))?.manifest;
}

/** What the engine does with an interrupted step. */
export type Recovery =
  | { action: 'run' } // nothing ran: go through the gate as if for the first time
  | { action: 'retry'; why: string } // idempotent: run again with the same idempotency key
  | { action: 'fail'; why: string } // the call failed and that was logged: the run fails
  | { action: 'attention'; why: string; facts: Record<string, unknown> };

/**
 * Decides how to resume a step after a crash. Nothing is run twice blindly: a call that may
 * have taken effect is repeated only if its tool is declared idempotent (the connector gets the
 * same idempotency key); otherwise the run stops for a person, with the facts.
 */
export function recoveryFor(
  interruption: Interruption,
  tool: ToolManifest | undefined,
  step: { index: number; tool: string },
): Recovery {
  if (interruption.kind === 'nothing-ran') return { action: 'run' };
  if (interruption.kind === 'outcome-recorded' && interruption.outcome === 'failed') {
    return {
      action: 'fail',
      why: `${interruption.tool} failed (audit entry ${interruption.outcomeSeq})`,
    };
  }
  const lost =
    interruption.kind === 'no-outcome'
      ? 'the call was allowed and started, and no outcome was recorded (it may or may not have taken effect)'
      : 'the call finished but its result was lost before it was stored';
  if (tool?.idempotent === true) {
    return {
      action: 'retry',
      why: `${lost}; ${interruption.tool} is idempotent, so it runs again with the same key`,
    };
  }
  const facts: Record<string, unknown> = {
    stepIndex: step.index,
    tool: interruption.tool || step.tool,
    idempotent: tool?.idempotent ?? 'unknown (the tool is no longer loaded)',
    intentSeq: interruption.intentSeq,
    ...(interruption.kind === 'no-outcome'
      ? { intentTime: interruption.intentTime, outcome: 'none recorded' }
      : { outcomeSeq: interruption.outcomeSeq, outcome: interruption.outcome }),
    next: 'check the resource by hand, then cancel the run (castellan runs cancel RUN)',
  };
  return {
    action: 'attention',
    why: `step ${step.index} was interrupted: ${lost}; ${interruption.tool || step.tool} is not idempotent, so it is not run again blindly`,
    facts,
  };
}
