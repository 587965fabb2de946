import { TokenError } from './errors.js';

/** Why a token no longer counts: its own jti, an epoch of its agent, user or run, the kill switch. */
export type RevocationReason = {
  code: 'revoked' | 'revoked-epoch' | 'kill-switch';
  reason: string;
};

/** A revocation check's answer: `false` (not revoked), `true` (revoked), or why it is revoked. */
export type RevocationAnswer = boolean | RevocationReason;

const CODES = new Set(['revoked', 'revoked-epoch', 'kill-switch']);

/** The refusal for any answer other than `false`; an unknown shape is a plain 'revoked'. */
export function toRevocationError(answer: unknown): TokenError {
  if (typeof answer === 'object' && answer !== null) {
    const { code, reason } = answer as { code?: unknown; reason?: unknown };
    if (typeof code === 'string' && CODES.has(code) && typeof reason === 'string') {
      return new TokenError(code as RevocationReason['code'], reason);
    }
  }
  return new TokenError('revoked', 'the token has been revoked');
}
