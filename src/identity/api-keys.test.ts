import { describe, expect, it } from 'vitest';
import { ManualClock, sha256Hex } from '../core/index.js';
import type { ApiKeyRecord, ApiKeyRepository, UserRecord, UserRepository } from '../store/index.js';
import { authenticateApiKey, issueApiKey } from './api-keys.js';
import { parseApiKey } from './api-key-format.js';
import { IdentityError } from './errors.js';
import type { IdentityErrorCode } from './errors.js';

/** Map-backed fakes of the two store ports; these tests exercise identity logic, not SQL. */
class MemoryUsers implements UserRepository {
  readonly rows = new Map<string, UserRecord>();
  async upsert(user: UserRecord): Promise<void> {
    this.rows.set(`${user.orgId}/${user.id}`, user);
  }
  async get(orgId: string, id: string): Promise<UserRecord | undefined> {
    return this.rows.get(`${orgId}/${id}`);
  }
  async list(orgId: string): Promise<UserRecord[]> {
    return [...this.rows.values()].filter((user) => user.orgId === orgId);
  }
}

class MemoryApiKeys implements ApiKeyRepository {
  readonly rows = new Map<string, ApiKeyRecord>();
  lookups = 0;
  async insert(key: ApiKeyRecord): Promise<void> {
    this.rows.set(key.id, key);
  }
  async get(orgId: string, id: string): Promise<ApiKeyRecord | undefined> {
    const key = this.rows.get(id);
    return key?.orgId === orgId ? key : undefined;
  }
  async find(id: string): Promise<ApiKeyRecord | undefined> {
    this.lookups += 1;
    return this.rows.get(id);
  }
  async listForUser(orgId: string, userId: string): Promise<ApiKeyRecord[]> {
    return [...this.rows.values()].filter((key) => key.orgId === orgId && key.userId === userId);
  }
  async revoke(orgId: string, id: string, at: string): Promise<boolean> {
    const key = await this.get(orgId, id);
    if (key === undefined || key.revokedAt !== null) return false;
    this.rows.set(id, { ...key, revokedAt: at });
    return true;
  }
}

const START = Date.UTC(2026, 0, 1);

async function setup(options: { disabled?: boolean; expiresAt?: Date } = {}) {
  const clock = new ManualClock(START);
  const users = new MemoryUsers();
  const apiKeys = new MemoryApiKeys();
  await users.upsert({
    orgId: 'acme',
    id: 'olga',
    displayName: 'Olga',
    roles: ['operator'],
    disabled: options.disabled ?? false,
    createdAt: new Date(START).toISOString(),
  });
  const issued = issueApiKey({
    orgId: 'acme',
    userId: 'olga',
    label: 'laptop',
    clock,
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  });
  await apiKeys.insert(issued.record);
  return { clock, users, apiKeys, issued, repositories: { users, apiKeys } };
}

async function failure(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe('issueApiKey', () => {
  it('returns the presented key once and stores only the hash of its secret', async () => {
    const { issued } = await setup({ expiresAt: new Date(START + 86_400_000) });
    expect(issued.presented).toMatch(/^cst_key_[a-z0-9]+_[A-Za-z0-9_-]{43}$/);
    const { keyId, secret } = parseApiKey(issued.presented);
    expect(issued.record).toEqual({
      orgId: 'acme',
      id: keyId,
      userId: 'olga',
      secretHash: sha256Hex(secret),
      label: 'laptop',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-02T00:00:00.000Z',
      revokedAt: null,
    });
    expect(JSON.stringify(issued.record)).not.toContain(secret);
  });

  it('gives each key its own id and secret', () => {
    const clock = new ManualClock(START);
    const request = { orgId: 'acme', userId: 'olga', label: 'ci', clock };
    const first = issueApiKey(request);
    const second = issueApiKey(request);
    expect(first.record.id).not.toBe(second.record.id);
    expect(first.record.secretHash).not.toBe(second.record.secretHash);
  });

  it.each([
    ['an empty label', { label: '' }],
    ['an overlong label', { label: 'x'.repeat(201) }],
    ['an expiry in the past', { expiresAt: new Date(START - 1) }],
    ['an expiry now', { expiresAt: new Date(START) }],
    ['an invalid expiry', { expiresAt: new Date(Number.NaN) }],
  ])('refuses %s', (_name, change) => {
    const request = { orgId: 'acme', userId: 'olga', label: 'ci', clock: new ManualClock(START) };
    expect(() => issueApiKey({ ...request, ...change })).toThrow(IdentityError);
  });
});

describe('authenticateApiKey', () => {
  it('returns the key owner for a valid key', async () => {
    const { issued, repositories, clock } = await setup();
    const user = await authenticateApiKey(issued.presented, repositories, clock);
    expect(user).toMatchObject({ orgId: 'acme', id: 'olga' });
  });

  it.each([
    ['an empty string', ''],
    ['no prefix', 'key_abcdefgh_' + 'a'.repeat(43)],
    ['a short secret', 'cst_key_abcdefgh_' + 'a'.repeat(42)],
    ['a long secret', 'cst_key_abcdefgh_' + 'a'.repeat(44)],
    ['a secret with padding', 'cst_key_abcdefgh_' + 'a'.repeat(42) + '='],
    ['an upper-case key id', 'cst_key_ABCDEFGH_' + 'a'.repeat(43)],
    ['a key id with a path', 'cst_key_../../x_' + 'a'.repeat(43)],
    ['a trailing newline', 'cst_key_abcdefgh_' + 'a'.repeat(43) + '\n'],
    ['an oversized value', 'cst_key_' + 'a'.repeat(300)],
  ])('refuses %s as malformed before any lookup', async (_name, presented) => {
    const { repositories, apiKeys, clock } = await setup();
    const error = await failure(authenticateApiKey(presented, repositories, clock));
    expect(error.code).toBe('malformed-credential');
    expect(apiKeys.lookups).toBe(0);
  });

  it('refuses a value that is not a string as malformed', async () => {
    const { repositories, clock } = await setup();
    const error = await failure(authenticateApiKey(7 as unknown as string, repositories, clock));
    expect(error.code).toBe('malformed-credential');
  });

  it('refuses an unknown key and a wrong secret with one message but distinct codes', async () => {
    const { issued, repositories, clock } = await setup();
    const { keyId, secret } = parseApiKey(issued.presented);
    const unknown = await failure(
      authenticateApiKey(`cst_key_unknown000_${secret}`, repositories, clock),
    );
    const wrongSecret = `cst_${keyId}_${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    const bad = await failure(authenticateApiKey(wrongSecret, repositories, clock));
    expect([unknown.code, bad.code]).toEqual(['unknown-key', 'bad-secret']);
    expect(unknown.message).toBe(bad.message);
    expect(unknown.kind).toBe('unauthenticated');
  });

  it('refuses a key whose stored hash is corrupt', async () => {
    const { issued, repositories, apiKeys, clock } = await setup();
    apiKeys.rows.set(issued.record.id, { ...issued.record, secretHash: 'not-a-hash' });
    const error = await failure(authenticateApiKey(issued.presented, repositories, clock));
    expect(error.code).toBe('bad-secret');
  });

  it('refuses an expired key from its expiry on', async () => {
    const { issued, repositories, clock } = await setup({ expiresAt: new Date(START + 60_000) });
    clock.advance(59_999);
    await expect(authenticateApiKey(issued.presented, repositories, clock)).resolves.toBeDefined();
    clock.advance(1);
    const error = await failure(authenticateApiKey(issued.presented, repositories, clock));
    expect(error.code).toBe('expired-key');
  });

  it('refuses a key with an unreadable expiry as expired', async () => {
    const { issued, repositories, apiKeys, clock } = await setup();
    apiKeys.rows.set(issued.record.id, { ...issued.record, expiresAt: 'someday' });
    const error = await failure(authenticateApiKey(issued.presented, repositories, clock));
    expect(error.code).toBe('expired-key');
  });

  it('refuses a revoked key', async () => {
    const { issued, repositories, apiKeys, clock } = await setup();
    await apiKeys.revoke('acme', issued.record.id, new Date(START).toISOString());
    const error = await failure(authenticateApiKey(issued.presented, repositories, clock));
    expect(error.code).toBe('revoked-key');
  });

  it.each<[string, IdentityErrorCode, 'unauthenticated' | 'forbidden']>([
    ['deleted', 'unknown-user', 'unauthenticated'],
    ['disabled', 'disabled-user', 'forbidden'],
  ])('refuses the key of a %s user', async (state, code, kind) => {
    const { issued, repositories, users, clock } = await setup({ disabled: state === 'disabled' });
    if (state === 'deleted') users.rows.clear();
    const error = await failure(authenticateApiKey(issued.presented, repositories, clock));
    expect(error).toMatchObject({ code, kind, room: 'identity' });
  });
});
