import type { CallContext } from './context.js';
import type { GateDependencies, GateOutcome } from './types.js';

/**
 * The outcome of a call whose run must first get a just-in-time scope: the scope request (made
 * by the authorize stage) is audited when it was created, and the run waits for an admin, as it
 * would for an approval. Nothing ran and nothing was allowed.
 */
export async function elevationOutcome(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<GateOutcome> {
  const { request, resolved, elevation } = context;
  if (elevation === undefined || resolved === undefined) {
    throw new Error('an elevation outcome needs a resolved call and a scope request');
  }
  if (elevation.created) {
    await dependencies.audit.append({
      type: 'scope-requested',
      runId: request.run.id,
      stepIndex: request.stepIndex,
      actor: { user: request.run.requestedBy, agent: request.agent.id },
      tool: resolved.tool.id,
      details: {
        requestId: elevation.requestId,
        scope: elevation.scope,
        resource: `${resolved.resource.type}::${resolved.resource.id}`,
        reason: elevation.reason,
      },
    });
  }
  return {
    outcome: 'needs-elevation',
    toolId: resolved.tool.id,
    requestId: elevation.requestId,
    scope: elevation.scope,
    reasons: [elevation.reason],
  };
}
