import { outboundFacts, DEFAULT_GUARD_SETTINGS, type OutboundFacts } from '../../guard/index.js';
import type { ToolCallInput } from '../../policy/index.js';
import type { CallContext } from '../context.js';
import type { GateDependencies } from '../types.js';

/** The facts a policy decision and its replay need, without the argument values. */
export type RecordedPolicyInput = Omit<ToolCallInput, 'args'>;

/** The destination class a tool declares; undeclared counts as external (fail closed). */
export function destinationOf(context: CallContext): 'internal' | 'external' {
  return context.resolved?.tool.manifest.destination ?? 'external';
}

/** Gathers what the call would send: the guard's facts for the policy context and the data stage. */
export async function gatherOutbound(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<OutboundFacts | undefined> {
  const resolved = context.resolved;
  if (resolved === undefined) return undefined;
  const destination = destinationOf(context);
  const { type, id } = resolved.resource;
  return outboundFacts(
    dependencies.store,
    {
      orgId: context.request.orgId,
      runId: context.request.run.id,
      destination,
      // The resource names the receiver: a mailbox, an account, a service.
      destinationKey: `${destination}:${type}:${id}`,
      args: resolved.args,
    },
    (dependencies.guard ?? DEFAULT_GUARD_SETTINGS).rules,
  );
}

/**
 * Provenance per top-level argument. The runtime's answer is used where it has one; otherwise
 * an argument of a tainted run is untrusted (it may have come from that content), and of a
 * clean run the planner's own.
 */
export function provenanceOf(context: CallContext): Record<string, string> {
  const { request } = context;
  const fallback = request.run.tainted ? 'untrusted' : 'planner';
  const names = Object.keys(context.resolved?.args ?? {});
  return Object.fromEntries(
    names.map((name) => [name, request.provenance?.[name] ?? fallback] as const),
  );
}

/** Whose data the arguments carry; unknown counts as both, so neither kind of rule is skipped. */
function dataSourcesOf(
  context: CallContext,
  classes: string[],
): { ownDataClasses: string[]; untrustedDataClasses: string[] } {
  const known = context.request.dataSources;
  if (known === undefined) return { ownDataClasses: classes, untrustedDataClasses: classes };
  return { ownDataClasses: [...known.own], untrustedDataClasses: [...known.untrusted] };
}

/** The policy input for a call: who, what, where, and the guard's facts about its data. */
export function policyInput(
  dependencies: GateDependencies,
  context: CallContext,
  facts: OutboundFacts,
): ToolCallInput {
  const { request } = context;
  const resolved = context.resolved;
  if (resolved === undefined) throw new Error('policy input built before resolve');
  return {
    agent: {
      id: request.agent.id,
      owner: request.agent.owner,
      environment: request.agent.environment,
    },
    user: { id: request.user.id, roles: [...request.user.roles] },
    tool: {
      id: resolved.tool.id,
      effect: resolved.tool.manifest.effect,
      risk: resolved.tool.manifest.risk,
    },
    pack: {
      name: resolved.pack.manifest.name,
      version: resolved.pack.manifest.version,
      digest: resolved.pack.digest,
    },
    resource: resolved.resource,
    environment: dependencies.environment,
    tainted: request.run.tainted,
    args: resolved.args,
    destination: destinationOf(context),
    provenance: provenanceOf(context),
    dataClasses: facts.classes,
    ...dataSourcesOf(context, facts.classes),
    egress: {
      runBytes: facts.sentSoFar.run.bytes,
      runRecords: facts.sentSoFar.run.records,
      destinationBytes: facts.sentSoFar.destination.bytes,
      destinationRecords: facts.sentSoFar.destination.records,
      callBytes: facts.bytes,
      callRecords: facts.records,
    },
    time: dependencies.clock.now().toISOString(),
  };
}

/** The input as the audit log records it: everything but the argument values. */
export function recordedInput(input: ToolCallInput): RecordedPolicyInput {
  const { args: _args, ...rest } = input;
  return rest;
}
