import { describeError } from '../../core/index.js';
import { bindScope, missingScopes, verifyCapabilityToken } from '../../tokens/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import type { GateDependencies } from '../types.js';

/**
 * Stage 2: the run's capability token must verify (signature, expiry, audience, issuer, not
 * revoked), belong to this run, user and agent, and carry every scope the tool requires, bound
 * to this call's resource.
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
      isRevoked: (jti) => dependencies.store.revocations.isRevoked(request.orgId, jti),
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
  if (missing.length > 0) {
    return deny('missing-scope', `the run's token lacks ${missing.join(', ')}`, { detail });
  }
  return { ok: true, detail };
}
