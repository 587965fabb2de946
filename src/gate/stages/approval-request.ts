import { describeError } from '../../core/index.js';
import type { CallContext } from '../context.js';
import type { GateDependencies } from '../types.js';
import type { ApprovalRule } from './approve.js';
import { connectorCall, observe } from './execute.js';

/** What an approval request shows and who, besides the requester, may not decide it. */
export interface ApprovalRequestFacts {
  details: Record<string, unknown>;
  forbiddenApprovers: Array<{ user: string; why: string }>;
}

/**
 * Where each argument came from. The runtime's per-argument answer (issue 5's provenance, as the
 * policy stage recorded it or the request carries it) is used when there is one; otherwise the
 * run's taint stands for every argument, and the request says so.
 */
function provenanceFacts(context: CallContext): Record<string, unknown> {
  const { request } = context;
  const names = Object.keys(context.resolved?.args ?? {});
  const policyTrace = context.stages.find((stage) => stage.stage === 'policy');
  const recorded = (policyTrace?.detail.input as { provenance?: unknown } | undefined)?.provenance;
  const carried = (request as { provenance?: Record<string, unknown> }).provenance;
  const perArgument =
    recorded !== null && typeof recorded === 'object'
      ? (recorded as Record<string, unknown>)
      : carried;
  if (perArgument !== undefined) {
    return { source: 'runtime', runTainted: request.run.tainted, perArgument };
  }
  const fallback = request.run.tainted ? 'untrusted' : 'planner';
  return {
    source: 'run-taint',
    runTainted: request.run.tainted,
    perArgument: Object.fromEntries(names.map((name) => [name, fallback])),
    note: request.run.tainted
      ? 'untrusted content entered this run, so any argument may have come from it'
      : 'no untrusted content entered this run; the arguments are the planner’s',
  };
}

/**
 * Gathers what the approver must see: the tool and its pack, the raw arguments with their
 * provenance, the deciding policies and why, the resource's current state and, where the
 * connector can compute it, the change as a diff. Observing and previewing are reads of the
 * target; a failure there is shown, never fatal (the approver sees that it is unknown).
 */
export async function approvalRequestFacts(
  dependencies: GateDependencies,
  context: CallContext,
  rule: ApprovalRule,
): Promise<ApprovalRequestFacts> {
  const resolved = context.resolved;
  if (resolved === undefined) throw new Error('approval facts gathered before resolve');
  const { request, policy } = context;
  const manifest = resolved.tool.manifest;
  const prepared = connectorCall(dependencies, context);
  let currentState: unknown = { unobservable: 'no connector serves this tool' };
  let change: unknown = { unavailable: 'the connector cannot compute this change in advance' };
  if (prepared !== undefined) {
    currentState =
      (await observe(prepared.connector, prepared.call)) ??
      ({ unobservable: 'the tool does not change a resource this connector observes' } as const);
    if (prepared.connector.preview !== undefined) {
      try {
        change = (await prepared.connector.preview(prepared.call)) ?? change;
      } catch (error) {
        change = { unavailable: describeError(error) };
      }
    }
  }
  const details: Record<string, unknown> = {
    tool: {
      id: resolved.tool.id,
      description: manifest.description,
      risk: manifest.risk,
      effect: manifest.effect,
      idempotent: manifest.idempotent,
    },
    pack: {
      name: resolved.pack.manifest.name,
      version: resolved.pack.manifest.version,
      digest: resolved.pack.digest,
      publisher: resolved.pack.manifest.publisher,
    },
    args: resolved.args,
    provenance: provenanceFacts(context),
    policies: {
      ids: rule.policyIds,
      reasons: rule.reasons,
      ...(policy === undefined ? {} : { version: policy.policyVersion, effect: policy.effect }),
    },
    resource: { ...resolved.resource, currentState },
    change,
    ...(request.run.rollbackOf === undefined ? {} : { rollbackOf: request.run.rollbackOf }),
  };
  const forbiddenApprovers = [
    { user: request.agent.owner, why: 'agent-owner' },
    { user: resolved.pack.manifest.publisher, why: 'pack-publisher' },
  ].filter((entry) => entry.user !== request.run.requestedBy);
  return { details, forbiddenApprovers };
}
