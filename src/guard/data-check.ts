import { redactSecrets } from './redact.js';

/**
 * The gate's data stage, first version. Outbound: a call whose arguments carry a credential is
 * denied (a secret must be injected by a connector, never passed by the planner). Inbound: a
 * result from a tool flagged untrusted taints the run, and secrets in results are redacted before
 * anything reaches the planner.
 */
export type OutboundCheck =
  | { effect: 'allow'; checked: string[] }
  | { effect: 'deny'; checked: string[]; reason: string; paths: string[] };

/** Checks a call's arguments before it leaves. */
export function checkOutbound(args: Record<string, unknown>): OutboundCheck {
  const checked = ['secrets-in-arguments'];
  const { report } = redactSecrets(args);
  if (report.paths.length === 0) return { effect: 'allow', checked };
  return {
    effect: 'deny',
    checked,
    reason: `arguments carry secrets (${report.kinds.join(', ')}); credentials are injected by connectors, never passed by the planner`,
    paths: report.paths,
  };
}

/** What the data stage says about a tool's result on the way back. */
export interface InboundCheck {
  output: unknown;
  taints: boolean;
  redactedPaths: string[];
  checked: string[];
}

/** Redacts secrets from a result and says whether it taints the run. */
export function checkInbound(output: unknown, untrustedSource: boolean): InboundCheck {
  const { value, report } = redactSecrets(output);
  return {
    output: value,
    taints: untrustedSource,
    redactedPaths: report.paths,
    checked: ['secrets-in-result', 'taint-of-source'],
  };
}
