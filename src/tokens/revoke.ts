import { newId, type Clock } from '../core/index.js';
import type { EpochSubject, IssuedTokenRecord, KillSwitchRecord, Store } from '../store/index.js';
import { MAX_TOKEN_TTL_SECONDS } from './limits.js';

/** Who is revoking and why; both are recorded. */
export interface RevocationAct {
  orgId: string;
  by: string;
  reason: string;
}

/**
 * Revokes one token by jti. A jti this store never issued is revoked all the same (until the
 * longest lifetime has passed), so a token minted elsewhere cannot slip through on a typo check.
 */
export async function revokeTokenByJti(
  store: Pick<Store, 'revocations' | 'issuedTokens'>,
  act: RevocationAct & { jti: string },
  clock: Clock,
): Promise<IssuedTokenRecord | undefined> {
  const issued = await store.issuedTokens.get(act.orgId, act.jti);
  const now = clock.now();
  const expiresAt =
    issued?.expiresAt ?? new Date(now.getTime() + MAX_TOKEN_TTL_SECONDS * 1000).toISOString();
  await store.revocations.revoke({
    orgId: act.orgId,
    jti: act.jti,
    reason: `${act.reason} (by ${act.by})`,
    revokedAt: now.toISOString(),
    expiresAt,
  });
  return issued;
}

/** Ends every token of an agent, a user or a run issued up to now, with an epoch. */
export async function revokeTokensOf(
  store: Pick<Store, 'revocationState'>,
  act: RevocationAct & { subject: Exclude<EpochSubject, 'all'>; id: string },
  clock: Clock,
): Promise<string> {
  const now = clock.now().toISOString();
  await store.revocationState.addEpoch({
    orgId: act.orgId,
    id: newId('epo'),
    subjectKind: act.subject,
    subjectId: act.id,
    notBefore: now,
    reason: act.reason,
    createdBy: act.by,
    createdAt: now,
  });
  return now;
}

/**
 * Turns the kill switch on or off. On, it also ends every token issued so far (an epoch for
 * everyone), so turning it off later does not bring any earlier token back.
 */
export async function setKillSwitch(
  store: Pick<Store, 'revocationState' | 'transaction'>,
  act: RevocationAct & { engaged: boolean },
  clock: Clock,
): Promise<KillSwitchRecord> {
  const now = clock.now().toISOString();
  const state: KillSwitchRecord = {
    orgId: act.orgId,
    engaged: act.engaged,
    reason: act.reason,
    changedBy: act.by,
    changedAt: now,
  };
  await store.transaction(async (inner) => {
    await inner.revocationState.setKillSwitch(state);
    if (act.engaged) {
      await inner.revocationState.addEpoch({
        orgId: act.orgId,
        id: newId('epo'),
        subjectKind: 'all',
        subjectId: '*',
        notBefore: now,
        reason: `kill switch: ${act.reason}`,
        createdBy: act.by,
        createdAt: now,
      });
    }
  });
  return state;
}

/** Revokes a grant and every unexpired token that depends on it. Returns those tokens. */
export async function revokeGrant(
  store: Pick<Store, 'grants' | 'issuedTokens' | 'revocations'>,
  act: RevocationAct & { grantId: string },
  clock: Clock,
): Promise<{ revoked: boolean; tokens: IssuedTokenRecord[] }> {
  const now = clock.now().toISOString();
  const revoked = await store.grants.revoke(act.orgId, act.grantId, now, act.by);
  const tokens = await store.issuedTokens.list(act.orgId, { grantId: act.grantId, activeAt: now });
  for (const token of tokens) {
    await store.revocations.revoke({
      orgId: act.orgId,
      jti: token.jti,
      reason: `grant ${act.grantId} revoked: ${act.reason} (by ${act.by})`,
      revokedAt: now,
      expiresAt: token.expiresAt,
    });
  }
  return { revoked, tokens };
}
