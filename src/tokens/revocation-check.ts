import type { RevocationStateRepository, RevocationStatus } from '../store/index.js';
import type { CapabilityClaims } from './claims.js';
import type { RevocationAnswer } from './revocation-answer.js';

/** The token facts revocation looks at. */
export type RevocableClaims = Pick<CapabilityClaims, 'jti' | 'sub' | 'act' | 'runId' | 'iat'>;

/**
 * The revocation check for one organisation, for verifyCapabilityToken's `isRevoked`: the kill
 * switch, the token's own jti, and epochs of its agent, user or run, read in one statement.
 */
export function revocationCheckFor(
  state: Pick<RevocationStateRepository, 'status'>,
  orgId: string,
): (jti: string, claims: RevocableClaims) => Promise<RevocationAnswer> {
  return async (jti, claims) =>
    judgeRevocation(
      await state.status(orgId, {
        jti,
        agentId: claims.act.sub,
        userId: claims.sub,
        runId: claims.runId,
      }),
      claims.iat,
    );
}

/** Decides from a status read whether a token issued at `issuedAt` still counts. */
export function judgeRevocation(status: RevocationStatus, issuedAt: Date): RevocationAnswer {
  if (status.killSwitchEngaged) {
    return {
      code: 'kill-switch',
      reason: 'the kill switch is on: every capability token is refused',
    };
  }
  if (status.jtiRevoked) return { code: 'revoked', reason: 'the token has been revoked' };
  if (status.latestEpoch !== null) {
    const epoch = Date.parse(status.latestEpoch);
    // iat has whole seconds, so a token minted in the same second as the epoch is refused too:
    // revocation errs toward refusing. An unreadable epoch refuses as well.
    if (Number.isNaN(epoch) || issuedAt.getTime() <= epoch) {
      return {
        code: 'revoked-epoch',
        reason: `tokens of this agent, user or run issued up to ${status.latestEpoch} are revoked`,
      };
    }
  }
  return false;
}
