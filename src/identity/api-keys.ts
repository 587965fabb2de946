import { timingSafeEqual } from 'node:crypto';
import { newId, newSecret, sha256Hex } from '../core/index.js';
import type { Clock } from '../core/index.js';
import type { ApiKeyRecord, ApiKeyRepository, UserRecord, UserRepository } from '../store/index.js';
import { API_KEY_SECRET_BYTES, formatApiKey, parseApiKey } from './api-key-format.js';
import { IdentityError } from './errors.js';

/** A newly issued key: `presented` is shown to its owner once and never stored. */
export interface IssuedApiKey {
  presented: string;
  record: ApiKeyRecord;
}

/** What to issue a key for. */
export interface IssueApiKeyRequest {
  orgId: string;
  userId: string;
  label: string;
  expiresAt?: Date;
  clock: Clock;
}

/** Creates a key for a user; the caller stores `record` and hands out `presented` once. */
export function issueApiKey(request: IssueApiKeyRequest): IssuedApiKey {
  const now = request.clock.now();
  if (request.label.length === 0 || request.label.length > 200) {
    throw new IdentityError('bad-request', 'an API key label has 1 to 200 characters');
  }
  if (request.expiresAt !== undefined && !(request.expiresAt.getTime() > now.getTime())) {
    throw new IdentityError('bad-request', 'an API key must expire in the future');
  }
  const id = newId('key');
  const secret = newSecret(API_KEY_SECRET_BYTES);
  const record: ApiKeyRecord = {
    orgId: request.orgId,
    id,
    userId: request.userId,
    secretHash: sha256Hex(secret),
    label: request.label,
    createdAt: now.toISOString(),
    expiresAt: request.expiresAt?.toISOString() ?? null,
    revokedAt: null,
  };
  return { presented: formatApiKey(id, secret), record };
}

/** The repositories authentication reads. */
export interface ApiKeyAuthenticationRepositories {
  apiKeys: ApiKeyRepository;
  users: UserRepository;
}

/**
 * Returns the user a presented API key belongs to, or throws an IdentityError. The secret is
 * checked before the key's state, so only a holder of the secret learns that it expired.
 */
export async function authenticateApiKey(
  presented: string,
  repositories: ApiKeyAuthenticationRepositories,
  clock: Clock,
): Promise<UserRecord> {
  const { keyId, secret } = parseApiKey(presented);
  const record = await repositories.apiKeys.find(keyId);
  if (record === undefined) throw new IdentityError('unknown-key', 'the API key is not valid');
  if (!secretMatches(secret, record.secretHash)) {
    throw new IdentityError('bad-secret', 'the API key is not valid');
  }
  if (record.revokedAt !== null) throw new IdentityError('revoked-key', 'the API key is revoked');
  if (hasExpired(record.expiresAt, clock)) {
    throw new IdentityError('expired-key', 'the API key has expired');
  }
  const user = await repositories.users.get(record.orgId, record.userId);
  if (user === undefined) throw new IdentityError('unknown-user', 'the API key has no user');
  if (user.disabled) throw new IdentityError('disabled-user', `user ${user.id} is disabled`);
  return user;
}

// Compares digests of equal length in constant time; a stored hash that is not 64 hex
// characters (a corrupt row) compares as a mismatch rather than throwing.
function secretMatches(secret: string, storedHash: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(storedHash)) return false;
  const presented = Buffer.from(sha256Hex(secret), 'hex');
  return timingSafeEqual(presented, Buffer.from(storedHash, 'hex'));
}

// An unreadable expiry counts as expired: the key fails closed.
function hasExpired(expiresAt: string | null, clock: Clock): boolean {
  if (expiresAt === null) return false;
  const expiry = Date.parse(expiresAt);
  return Number.isNaN(expiry) || clock.now().getTime() >= expiry;
}
