import { toolCallRequest } from '../../policy/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import type { GateDependencies } from '../types.js';

/**
 * Stage 3: the Cedar decision on (agent, tool, resource, context). No engine, or an engine that
 * fails, is a denial. Needs-approval passes this stage and is enforced by the approve stage.
 */
export function policyStage(dependencies: GateDependencies, context: CallContext): StageVerdict {
  const resolved = context.resolved;
  if (resolved === undefined) return deny('not-resolved', 'policy ran before resolve');
  const engine = dependencies.policy();
  if (engine === undefined) {
    return deny(
      'engine-unavailable',
      'no valid policy set is loaded; every call is denied until one is',
    );
  }
  const { request } = context;
  const decision = engine.decide(
    toolCallRequest({
      agent: {
        id: request.agent.id,
        owner: request.agent.owner,
        environment: request.agent.environment,
      },
      user: { id: request.user.id, roles: request.user.roles },
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
    }),
  );
  context.policy = decision;
  const detail = {
    effect: decision.effect,
    policyIds: decision.policyIds,
    policyVersion: decision.policyVersion,
  };
  if (decision.effect === 'deny') {
    return deny('policy-denied', decision.reasons.join('; ') || 'denied by policy', {
      policyIds: decision.policyIds,
      detail,
    });
  }
  return { ok: true, detail };
}
