import { describeError } from '../../core/index.js';
import {
  bindScope,
  missingScopes,
  revocationCheckFor,
  verifyCapabilityToken,
} from '../../tokens/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import type { GateDependencies } from '../types.js';

/**
 * Stage 2: the run's capability token must verify (signature, expiry, audience, issuer; not
 * revoked by jti, by an epoch of its agent, user or run, nor by the kill switch), belong to this
 * run, user and agent, and carry every scope the tool requires, bound to this call's resource.
 * A missing scope the settings make elevatable becomes a scope request the run waits for.
 */
export async function authorizeStage(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<StageVerdict> {
  const { request } = context;
  const resolved = context.resolved;
  if (resolved === undefined) return deny('not-resolved', 'authorize ran before resolve');
  let claims;
  try {
    claims = await verifyCapabilityToken(request.token, dependencies.keys, dependencies.tokens, {
      clock: dependencies.clock,
      isRevoked: revocationCheckFor(dependencies.store.revocationState, request.orgId),
      maxActDepth: dependencies.access?.maxActDepth ?? 1,
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'token-invalid';
    return deny(`token-${code}`, `capability token refused: ${describeError(error)}`);
  }
  if (claims.runId !== request.run.id || claims.orgId !== request.orgId) {
    return deny(
      'token-wrong-run',
      `the token was minted for run ${claims.runId}, not ${request.run.id}`,
    );
  }
  if (claims.sub !== request.run.requestedBy || claims.act.sub !== request.agent.id) {
    return deny('token-wrong-principal', 'the token acts for another user or agent than this run');
  }
  context.claims = claims;
  let required: string[];
  try {
    required = resolved.tool.manifest.scopes.map((scope) => bindScope(scope, resolved.args));
  } catch (error) {
    return deny('scope-binding', describeError(error));
  }
  const missing = missingScopes(claims.scopes, required);
  const detail = { jti: claims.jti, required, granted: claims.scopes };
  if (missing.length > 0) return elevateOrDeny(dependencies, context, missing, detail);
  return { ok: true, detail };
}

// One scope at a time: once it is granted the call comes back here and asks for the next.
async function elevateOrDeny(
  dependencies: GateDependencies,
  context: CallContext,
  missing: string[],
  detail: Record<string, unknown>,
): Promise<StageVerdict> {
  const lacks = `the run's token lacks ${missing.join(', ')}`;
  const elevation = dependencies.access?.elevation;
  const { request, resolved } = context;
  const [scope] = missing;
  if (elevation === undefined || resolved === undefined || scope === undefined) {
    return deny('missing-scope', lacks, { detail });
  }
  const resource = `${resolved.resource.type}::${resolved.resource.id}`;
  const verdict = await elevation.forRun({
    orgId: request.orgId,
    run: { id: request.run.id, requestedBy: request.run.requestedBy },
    agent: { id: request.agent.id, environment: request.agent.environment },
    user: request.user,
    stepIndex: request.stepIndex,
    scope,
    resource,
    reason: `${resolved.tool.id} on ${resource} needs ${scope}`,
  });
  if (verdict.kind === 'not-elevatable') {
    return deny('missing-scope', `${lacks} (${verdict.reason})`, { detail });
  }
  if (verdict.kind === 'denied') {
    return deny('scope-denied', `scope request ${verdict.request.id} for ${scope} was denied`, {
      detail,
    });
  }
  context.elevation = {
    requestId: verdict.request.id,
    scope,
    created: verdict.created,
    reason: verdict.request.reason,
  };
  return deny('needs-elevation', `${lacks}; waiting for scope request ${verdict.request.id}`, {
    detail: { ...detail, requestId: verdict.request.id },
  });
}
