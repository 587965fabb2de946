import type { Clock } from '../core/index.js';
import type { RevocationRepository } from '../store/index.js';

/** The `isRevoked` check for verification, answering from the store for one organisation. */
export function revocationCheck(
  revocations: RevocationRepository,
  orgId: string,
): (jti: string) => Promise<boolean> {
  return (jti) => revocations.isRevoked(orgId, jti);
}

/** Records a token's jti as revoked until the token would have expired anyway. */
export async function revokeCapabilityToken(
  revocations: RevocationRepository,
  revocation: { orgId: string; jti: string; reason: string; expiresAt: Date },
  clock: Clock,
): Promise<void> {
  await revocations.revoke({
    orgId: revocation.orgId,
    jti: revocation.jti,
    reason: revocation.reason,
    revokedAt: clock.now().toISOString(),
    expiresAt: revocation.expiresAt.toISOString(),
  });
}
