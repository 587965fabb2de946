import type { Clock } from '../../core/index.js';
import type { UserRecord, UserRepository } from '../../store/index.js';
import { IdentityError } from '../errors.js';
import type { OidcIdentity } from './oidc-verifier.js';

/**
 * The user record of an OIDC identity, created on first sight and kept in step with the roles
 * the issuer's claims map to on each sign-in (so runs, approvals and audit entries name a user
 * the store knows). A user an admin disabled here stays disabled whatever the token says.
 */
export async function provisionOidcUser(
  identity: OidcIdentity,
  users: UserRepository,
  orgId: string,
  clock: Clock,
): Promise<UserRecord> {
  const existing = await users.get(orgId, identity.userId);
  if (existing?.disabled === true) {
    throw new IdentityError('disabled-user', `user ${identity.userId} is disabled`);
  }
  const record: UserRecord = {
    orgId,
    id: identity.userId,
    displayName: identity.displayName,
    roles: identity.roles,
    disabled: false,
    createdAt: existing?.createdAt ?? clock.now().toISOString(),
  };
  const unchanged =
    existing !== undefined &&
    existing.displayName === record.displayName &&
    existing.roles.join(' ') === record.roles.join(' ');
  if (!unchanged) await users.upsert(record);
  return record;
}
