import type { ApprovalRecord } from '../../store/index.js';
import type { Output } from '../output.js';

function json(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** Prints what an approval request shows: provenance, policies, state, the change, who may not decide. */
export function printApprovalDetails(output: Output, approval: ApprovalRecord): void {
  const details = approval.details ?? undefined;
  output.line(`  why: ${approval.reason}`);
  output.line(`  expires: ${approval.expiresAt}`);
  output.line(`  arguments: ${json(approval.args)}`);
  if (details === undefined) return;
  const provenance = details.provenance as
    { source?: string; perArgument?: Record<string, unknown>; note?: string } | undefined;
  if (provenance?.perArgument !== undefined) {
    const each = Object.entries(provenance.perArgument)
      .map(([name, source]) => `${name}←${String(source)}`)
      .join(', ');
    output.line(
      `  provenance (${provenance.source ?? '?'}): ${each}${provenance.note ? `; ${provenance.note}` : ''}`,
    );
  }
  const policies = details.policies as { ids?: string[]; version?: number } | undefined;
  if (policies?.ids !== undefined) {
    output.line(
      `  policies: ${policies.ids.join(', ') || '(the tool itself)'}${policies.version === undefined ? '' : ` (v${policies.version})`}`,
    );
  }
  const resource = details.resource as
    { type?: string; id?: string; currentState?: unknown } | undefined;
  if (resource !== undefined) {
    output.line(`  resource ${resource.type}:${resource.id} now: ${json(resource.currentState)}`);
  }
  const change = details.change as
    | {
        diff?: Array<{ path: string; op: string; from?: unknown; to?: unknown }>;
        unavailable?: string;
      }
    | undefined;
  if (change?.diff !== undefined) {
    output.line(`  change:${change.diff.length === 0 ? ' none' : ''}`);
    for (const each of change.diff.slice(0, 30)) {
      output.line(
        `    ${output.paint(`${each.path || '(whole)'}: ${json(each.from ?? null)} → ${json(each.to ?? null)}`, 'yellow')}`,
      );
    }
  } else if (change?.unavailable !== undefined) {
    output.line(`  change: unknown (${change.unavailable})`);
  }
  if (details.rollbackOf !== undefined)
    output.line(`  part of the rollback of run ${String(details.rollbackOf)}`);
  const forbidden = [
    `${approval.requestedBy} (requester)`,
    ...(approval.forbiddenApprovers ?? []).map((entry) => `${entry.user} (${entry.why})`),
  ];
  output.line(`  may not decide: ${forbidden.join(', ')}`);
}
