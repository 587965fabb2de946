import { expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import { aUser, anAgent, anApiKey, newOrg, type ContractHarness } from './fixtures.js';

/** Organisations, users, API keys, agents and revocations round-trip and stay per organisation. */
export function identityRecordContract(harness: ContractHarness): void {
  it('ensures an organisation once and keeps its first name', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.organisations.ensure(orgId, 'Acme');
    await store.organisations.ensure(orgId, 'Renamed');
    const found = await store.organisations.get(orgId);
    expect(found).toMatchObject({ id: orgId, name: 'Acme' });
    expect(new Date(found?.createdAt ?? '').toISOString()).toBe(found?.createdAt);
    expect(await store.organisations.get(newOrg())).toBeUndefined();
  });

  it('round-trips users with roles as arrays and disabled as a boolean', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const alice = aUser(orgId);
    const bob = aUser(orgId, { id: 'bob', roles: [], disabled: true });
    await store.users.upsert(bob);
    await store.users.upsert(alice);
    expect(await store.users.get(orgId, 'alice')).toEqual(alice);
    expect(await store.users.get(orgId, 'bob')).toEqual(bob);
    expect(await store.users.list(orgId)).toEqual([alice, bob]);
    const changed = { ...alice, roles: ['auditor'], disabled: true, displayName: 'A.' };
    await store.users.upsert(changed);
    expect(await store.users.get(orgId, 'alice')).toEqual(changed);
    expect(await store.users.get(newOrg(), 'alice')).toBeUndefined();
    expect(await store.users.list(newOrg())).toEqual([]);
  });

  it('round-trips API keys, finds them by id alone and revokes each once', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.users.upsert(aUser(orgId));
    const key = anApiKey(orgId, { createdAt: '2026-01-01T00:00:00.000Z' });
    const later = anApiKey(orgId, {
      createdAt: '2026-01-03T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
    });
    await store.apiKeys.insert(later);
    await store.apiKeys.insert(key);
    expect(await store.apiKeys.get(orgId, key.id)).toEqual(key);
    expect(await store.apiKeys.find(later.id)).toEqual(later);
    expect(await store.apiKeys.find('key_unknown')).toBeUndefined();
    expect(await store.apiKeys.listForUser(orgId, 'alice')).toEqual([key, later]);
    expect(await store.apiKeys.revoke(orgId, key.id, '2026-01-05T00:00:00.000Z')).toBe(true);
    expect(await store.apiKeys.revoke(orgId, key.id, '2026-01-06T00:00:00.000Z')).toBe(false);
    expect((await store.apiKeys.get(orgId, key.id))?.revokedAt).toBe('2026-01-05T00:00:00.000Z');
    expect(await store.apiKeys.revoke(orgId, 'key_unknown', '2026-01-05T00:00:00.000Z')).toBe(
      false,
    );
  });

  it('refuses a second key with an id used in another organisation', async () => {
    const store = harness.store();
    const first = newOrg();
    const second = newOrg();
    await store.users.upsert(aUser(first));
    await store.users.upsert(aUser(second));
    const key = anApiKey(first);
    await store.apiKeys.insert(key);
    const clash = store.apiKeys.insert({ ...key, orgId: second });
    await expect(clash).rejects.toBeInstanceOf(StoreError);
    await expect(clash).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses an API key for a user that does not exist', async () => {
    const store = harness.store();
    const insert = store.apiKeys.insert(anApiKey(newOrg(), { userId: 'ghost' }));
    await expect(insert).rejects.toMatchObject({ room: 'store', code: 'conflict' });
  });

  it('round-trips agents with their planner as an object', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const bot = anAgent(orgId);
    const llm = anAgent(orgId, {
      id: 'analyst',
      environment: 'prod',
      packs: [],
      scopes: [],
      planner: { kind: 'llm', model: 'claude-sonnet' },
    });
    await store.agents.upsert(bot);
    await store.agents.upsert(llm);
    expect(await store.agents.get(orgId, 'ops-bot')).toEqual(bot);
    expect(await store.agents.list(orgId)).toEqual([llm, bot]);
    const changed = { ...bot, scopes: ['itops:service.read'] };
    await store.agents.upsert(changed);
    expect(await store.agents.get(orgId, 'ops-bot')).toEqual(changed);
    expect(await store.agents.get(newOrg(), 'ops-bot')).toBeUndefined();
  });

  it('records revocations idempotently, per organisation', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const record = {
      orgId,
      jti: 'jti-1',
      reason: 'run cancelled',
      revokedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:15:00.000Z',
    };
    expect(await store.revocations.isRevoked(orgId, 'jti-1')).toBe(false);
    await store.revocations.revoke(record);
    await store.revocations.revoke({ ...record, reason: 'again' });
    expect(await store.revocations.isRevoked(orgId, 'jti-1')).toBe(true);
    expect(await store.revocations.isRevoked(newOrg(), 'jti-1')).toBe(false);
  });
}
