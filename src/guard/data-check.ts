import { describeError } from '../core/index.js';
import type { EgressTotals, Store } from '../store/index.js';
import { applyDataRules, type FindingSummary } from './apply-rules.js';
import type { DataClass } from './data-classes.js';
import { DEFAULT_EGRESS_BUDGETS, egressBytes, type EgressBudgets } from './egress.js';
import { PlaceholderAllocator, placeholdersIn, restorePlaceholders } from './placeholders.js';
import { DEFAULT_DATA_RULES, type DataRules } from './rules.js';
import { RunVault } from './vault.js';

/** The guard's settings: data rules and egress budgets. */
export interface GuardSettings {
  rules: DataRules;
  budgets: EgressBudgets;
}

/** The defaults: DEFAULT_DATA_RULES and DEFAULT_EGRESS_BUDGETS. */
export const DEFAULT_GUARD_SETTINGS: GuardSettings = {
  rules: DEFAULT_DATA_RULES,
  budgets: DEFAULT_EGRESS_BUDGETS,
};

/** Where one call sends data, and the run it belongs to. */
export interface OutboundCall {
  orgId: string;
  runId: string;
  /** The tool's destination class; a tool that declares none counts as external. */
  destination: 'internal' | 'external';
  /** Names the receiver for per-destination budgets, e.g. `external:Mailbox:x@example.com`. */
  destinationKey: string;
  /** The validated arguments, possibly holding placeholders from earlier results. */
  args: Record<string, unknown>;
}

/** What a call would send, known before policy decides: the facts the policy context holds. */
export interface OutboundFacts {
  call: OutboundCall;
  /** The arguments with placeholders restored from the run's vault: what would really leave. */
  restoredArgs: Record<string, unknown>;
  classes: DataClass[];
  findings: FindingSummary[];
  bytes: number;
  records: number;
  sentSoFar: EgressTotals;
  /** The run's vault, when the arguments needed it. */
  vault?: RunVault;
}

/** Gathers what a call would send: restored arguments, data classes, size and budgets so far. */
export async function outboundFacts(
  store: Store,
  call: OutboundCall,
  rules: DataRules,
): Promise<OutboundFacts> {
  // The vault is read only when the arguments hold placeholders: most calls carry none, and
  // the gate's overhead is paid on every call.
  const [vault, sentSoFar] = await Promise.all([
    placeholdersIn(call.args).length > 0
      ? RunVault.open(store, call.orgId, call.runId)
      : Promise.resolve(undefined),
    store.egress.totals(call.orgId, call.runId, call.destinationKey),
  ]);
  const restoredArgs =
    vault === undefined ? call.args : restorePlaceholders(call.args, vault.entries);
  const verdict = applyDataRules(
    restoredArgs,
    call.destination,
    rules,
    new PlaceholderAllocator(vault?.entries ?? []),
  );
  return {
    call,
    restoredArgs,
    classes: verdict.classes,
    findings: verdict.findings,
    bytes: egressBytes(restoredArgs),
    records: verdict.personalValues,
    sentSoFar,
    ...(vault === undefined ? {} : { vault }),
  };
}

/** The data stage's verdict on what leaves with a call. */
export type OutboundCheck =
  | {
      effect: 'allow';
      /** What the connector receives: restored, or with placeholders where a rule redacts. */
      args: Record<string, unknown>;
      bytes: number;
      records: number;
      detail: Record<string, unknown>;
    }
  | {
      effect: 'deny';
      code: 'secret-in-arguments' | 'data-blocked' | 'egress-budget';
      reason: string;
      ruleIds: string[];
      detail: Record<string, unknown>;
    }
  | {
      effect: 'needs-approval';
      reason: string;
      ruleIds: string[];
      /** What the connector receives once a person approves. */
      args: Record<string, unknown>;
      bytes: number;
      records: number;
      detail: Record<string, unknown>;
    };

/**
 * Applies the data rules and budgets to what a call would send. `allowed` are the data classes
 * a policy allowed for this call (`@allowData`); secrets are never allowed. A rule that redacts
 * replaces values with placeholders (stored in the run's vault) before the connector sees them.
 */
export async function checkOutbound(
  store: Store,
  facts: OutboundFacts,
  settings: GuardSettings,
  options: { allowed: ReadonlySet<DataClass>; at: string },
): Promise<OutboundCheck> {
  const { call } = facts;
  const apply = (allocator: PlaceholderAllocator) =>
    applyDataRules(
      facts.restoredArgs,
      call.destination,
      settings.rules,
      allocator,
      options.allowed,
    );
  let vault = facts.vault;
  let allocator = vault?.allocator() ?? new PlaceholderAllocator();
  let verdict = apply(allocator);
  // Numbering placeholders needs the run's vault: read it only when a rule redacts.
  if (vault === undefined && verdict.findings.some((finding) => finding.action === 'redact')) {
    vault = await RunVault.open(store, call.orgId, call.runId);
    allocator = vault.allocator();
    verdict = apply(allocator);
  }
  const ruleIds = (action: string) => [
    ...new Set(
      verdict.findings
        .filter((finding) => finding.action === action)
        .map((finding) => `data-rule:${call.destination}/${finding.dataClass}`),
    ),
  ];
  const detail = {
    destination: call.destination,
    destinationKey: call.destinationKey,
    classes: verdict.classes,
    findings: verdict.findings,
    allowedByPolicy: [...options.allowed].sort(),
  };
  if (verdict.action === 'block') {
    const blocked = ruleIds('block');
    const secret = verdict.findings.some(
      (finding) => finding.action === 'block' && finding.dataClass === 'secret',
    );
    return {
      effect: 'deny',
      code: secret ? 'secret-in-arguments' : 'data-blocked',
      reason: secret
        ? 'arguments carry secrets; credentials are injected by connectors, never passed by the planner'
        : `arguments carry data the rules keep from ${call.destination} destinations (${blocked.join(', ')})`,
      ruleIds: blocked,
      detail,
    };
  }
  let args = facts.restoredArgs;
  let records = verdict.personalValues;
  if (vault !== undefined && verdict.findings.some((finding) => finding.action === 'redact')) {
    args = verdict.value as Record<string, unknown>;
    await vault.save(allocator, options.at);
    // Only what was not replaced leaves: count the records of the value that is sent.
    records = applyDataRules(
      args,
      call.destination,
      settings.rules,
      new PlaceholderAllocator(),
    ).personalValues;
  }
  // The facts measured these very arguments already unless a rule replaced some of them.
  const bytes = args === facts.restoredArgs ? facts.bytes : egressBytes(args);
  const budget = overBudget(facts.sentSoFar, { bytes, records }, settings.budgets);
  if (budget.length > 0) {
    return {
      effect: 'deny',
      code: 'egress-budget',
      reason: `this call would pass the run's egress budget: ${budget.join(', ')}`,
      ruleIds: budget.map((name) => `egress-budget:${name}`),
      detail: { ...detail, bytes, records, sentSoFar: facts.sentSoFar },
    };
  }
  if (verdict.action === 'needs-approval') {
    const held = ruleIds('needs-approval');
    return {
      effect: 'needs-approval',
      reason: `data rules ask a person before this data goes to a ${call.destination} destination (${held.join(', ')})`,
      ruleIds: held,
      args,
      bytes,
      records,
      detail: { ...detail, bytes, records },
    };
  }
  return { effect: 'allow', args, bytes, records, detail: { ...detail, bytes, records } };
}

/** The limits a call of this size would pass, given what the run has sent so far. */
export function overBudget(
  sent: EgressTotals,
  amount: { bytes: number; records: number },
  budgets: EgressBudgets,
): string[] {
  const over: string[] = [];
  if (sent.run.bytes + amount.bytes > budgets.runBytes) over.push('run-bytes');
  if (sent.run.records + amount.records > budgets.runRecords) over.push('run-records');
  if (sent.destination.bytes + amount.bytes > budgets.destinationBytes)
    over.push('destination-bytes');
  if (sent.destination.records + amount.records > budgets.destinationRecords)
    over.push('destination-records');
  return over;
}

/** What the guard made of a tool's result on its way back to the planner. */
export interface InboundCheck {
  output: unknown;
  taints: boolean;
  findings: FindingSummary[];
  classes: DataClass[];
  checked: string[];
  /** Set when the whole result was held back (a rule blocks it, or the guard failed). */
  withheld?: string;
}

/**
 * Passes a tool's result through the data rules toward the model: personal data and secrets
 * become placeholders (kept in the run's vault), and a class the rules block holds back the
 * whole result. A guard that fails also holds the result back: nothing unguarded reaches the
 * planner.
 */
export async function checkInbound(
  store: Store,
  result: { orgId: string; runId: string; output: unknown; untrusted: boolean; at: string },
  rules: DataRules = DEFAULT_DATA_RULES,
): Promise<InboundCheck> {
  const checked = ['data-rules-toward-model', 'taint-of-source'];
  try {
    const first = new PlaceholderAllocator();
    let verdict = applyDataRules(result.output, 'model', rules, first);
    const redacts = verdict.findings.some((finding) => finding.action === 'redact');
    // The vault is read (for numbering) and written only when something is replaced, and read
    // only when a replaced value is new to what this process knows of the run's vault.
    const digests = first.added.map((entry) => entry.digest);
    const knownAllocator = redacts
      ? RunVault.knownAllocator(store, result.orgId, result.runId, digests)
      : undefined;
    const vault =
      redacts && knownAllocator === undefined
        ? await RunVault.open(store, result.orgId, result.runId)
        : undefined;
    const allocator = knownAllocator ?? vault?.allocator() ?? new PlaceholderAllocator();
    if (redacts) verdict = applyDataRules(result.output, 'model', rules, allocator);
    // Every value had a known placeholder; one handed out anew would be missing from the vault.
    if (knownAllocator !== undefined && allocator.added.length > 0)
      throw new Error('a placeholder the run was thought to have is not known');
    if (verdict.action === 'block' || verdict.action === 'needs-approval') {
      const reason = `the result carries ${verdict.classes.join(', ')}, which the data rules keep from the model`;
      return {
        output: { withheld: reason },
        taints: result.untrusted,
        findings: verdict.findings,
        classes: verdict.classes,
        checked,
        withheld: reason,
      };
    }
    await vault?.save(allocator, result.at);
    return {
      output: verdict.value,
      taints: result.untrusted,
      findings: verdict.findings,
      classes: verdict.classes,
      checked,
    };
  } catch (error) {
    const reason = `the data guard could not check the result: ${describeError(error)}`;
    return {
      output: { withheld: reason },
      taints: result.untrusted,
      findings: [],
      classes: [],
      checked,
      withheld: reason,
    };
  }
}
