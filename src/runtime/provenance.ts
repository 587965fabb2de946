import {
  argumentProvenance,
  dataSources,
  restorePlaceholders,
  RunVault,
  type ProvenanceSource,
} from '../guard/index.js';
import type { RunRecord, StepRecord, Store } from '../store/index.js';

/** Where a call's arguments came from, and whose data they carry. */
export interface CallProvenance {
  args: Record<string, string>;
  data: { own: string[]; untrusted: string[] };
}

/**
 * Where each argument of a proposed call came from, computed here in the runtime from what the
 * run has seen (never taken from the model): the prompt and input first, then each earlier
 * step's result in order, untrusted when its tool's output is untrusted. Results are matched as
 * the planner saw them (placeholders) and as they were (placeholders restored from the vault),
 * so a planner that reuses a redacted account number or the raw one is caught either way.
 * Returns undefined when the history cannot be read: the gate then treats every argument of a
 * tainted run as untrusted.
 */
export async function provenanceFor(
  store: Store,
  run: RunRecord,
  stepIndex: number,
  args: Record<string, unknown>,
): Promise<CallProvenance | undefined> {
  try {
    const [steps, vault] = await Promise.all([
      store.steps.listForRun(run.orgId, run.id),
      RunVault.open(store, run.orgId, run.id),
    ]);
    const sources: ProvenanceSource[] = [
      { kind: 'prompt', texts: [run.prompt, JSON.stringify(run.input ?? {})] },
    ];
    for (const step of steps) {
      if (step.index >= stepIndex || step.result === null || step.result === undefined) continue;
      sources.push({
        kind: tainting(step, run) ? 'untrusted' : 'trusted-tool',
        texts: [
          JSON.stringify(step.result),
          JSON.stringify(restorePlaceholders(step.result, vault.entries)),
        ],
      });
    }
    return {
      args: argumentProvenance(
        args,
        sources,
        run.planner.kind === 'playbook' ? 'config' : 'planner',
      ),
      data: dataSources(args, sources),
    };
  } catch {
    return undefined;
  }
}

// The gate says whether a result taints (recorded with the step); a step recorded before that
// was kept counts as untrusted in a tainted run.
function tainting(step: StepRecord, run: RunRecord): boolean {
  const taints = (step.decision as { taints?: unknown } | null)?.taints;
  return typeof taints === 'boolean' ? taints : run.tainted;
}
