import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, startTestIssuer, type TestIssuer } from '../../test/support/oidc-issuer.js';
import { systemClock } from '../core/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { issueApiKey } from './api-keys.js';
import { authenticateBearer, type BearerAuthentication } from './authenticate.js';
import { IdentityError } from './errors.js';
import { OidcVerifier } from './oidc/oidc-verifier.js';
import { rolesFromClaims } from './oidc/role-mapping.js';

const ORG = 'default';
let issuer: TestIssuer;
let store: Store;
let folder: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  folder = mkdtempSync(join(tmpdir(), 'castellan-identity-'));
  store = await openSqliteStore(join(folder, 'castellan.db'));
  await store.users.upsert({
    orgId: ORG,
    id: 'olga',
    displayName: 'Olga',
    roles: ['operator'],
    disabled: false,
    createdAt: new Date().toISOString(),
  });
});

afterAll(async () => {
  await store.close();
  await issuer.close();
  rmSync(folder, { recursive: true, force: true });
});

function context(mapping: Record<string, string[]> = { 'castellan-operators': ['operator'] }) {
  const oidc = new OidcVerifier(
    {
      issuer: issuer.issuer,
      audience: API_AUDIENCE,
      rolesClaim: 'groups',
      roleMapping: mapping,
      usernameClaim: 'sub',
      algorithms: ['RS256'],
      leewaySeconds: 30,
      jwksCacheSeconds: 600,
      fetchTimeoutMs: 1000,
    },
    systemClock,
  );
  return { users: store.users, apiKeys: store.apiKeys, oidc, orgId: ORG, clock: systemClock };
}

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe('authenticateBearer', () => {
  it('accepts a local API key', async () => {
    const issued = issueApiKey({ orgId: ORG, userId: 'olga', label: 'ci', clock: systemClock });
    await store.apiKeys.insert(issued.record);
    await expect(authenticateBearer(issued.presented, context())).resolves.toMatchObject({
      id: 'olga',
    });
  });

  it('accepts an OIDC token and records its user with the mapped roles', async () => {
    const user = await authenticateBearer(await issuer.token('ops-app'), context());
    expect(user).toMatchObject({ id: 'oidc:ops-app', roles: ['operator'], disabled: false });
    expect(await store.users.get(ORG, 'oidc:ops-app')).toEqual(user);
  });

  it('follows the issuer when a person’s groups change', async () => {
    const token = await issuer.token('ops-app');
    await authenticateBearer(token, context());
    const changed = await authenticateBearer(
      token,
      context({ 'castellan-operators': ['auditor'] }),
    );
    expect(changed.roles).toEqual(['auditor']);
    expect((await store.users.get(ORG, 'oidc:ops-app'))?.roles).toEqual(['auditor']);
  });

  it('keeps a user an admin disabled here disabled, whatever the token says', async () => {
    await authenticateBearer(await issuer.token('sec-app'), context());
    const record = await store.users.get(ORG, 'oidc:sec-app');
    if (record === undefined) throw new Error('not provisioned');
    await store.users.upsert({ ...record, disabled: true });
    const error = await refusal(authenticateBearer(await issuer.token('sec-app'), context()));
    expect(error).toMatchObject({ code: 'disabled-user', kind: 'forbidden' });
  });

  it('refuses a JWT when no issuer is configured', async () => {
    const error = await refusal(
      authenticateBearer(await issuer.token('ops-app'), { ...context(), oidc: undefined }),
    );
    expect(error).toMatchObject({ code: 'oidc-not-configured', kind: 'unauthenticated' });
  });

  it.each([
    ['a number', 42],
    ['garbage', 'hello world'],
    ['an oversized value', 'x'.repeat(9000)],
  ])('refuses %s before any lookup', async (_name, value) => {
    const error = await refusal(
      authenticateBearer(value, context() satisfies BearerAuthentication),
    );
    expect(error.code).toBe('malformed-credential');
  });
});

describe('rolesFromClaims', () => {
  const mapping = { ops: ['operator'], boss: ['admin', 'approver:finance'], odd: ['root'] };

  it('reads a string, a list, or a nested claim', () => {
    expect(rolesFromClaims({ groups: 'ops' }, 'groups', mapping)).toEqual(['operator']);
    expect(rolesFromClaims({ groups: ['ops', 'boss'] }, 'groups', mapping)).toEqual([
      'admin',
      'approver:finance',
      'operator',
    ]);
    expect(
      rolesFromClaims({ realm_access: { roles: ['boss'] } }, 'realm_access.roles', mapping),
    ).toEqual(['admin', 'approver:finance']);
  });

  it('gives nothing for unknown values, malformed roles, other types and prototype names', () => {
    expect(rolesFromClaims({ groups: ['odd', 'nobody', 7, null] }, 'groups', mapping)).toEqual([]);
    expect(rolesFromClaims({ groups: { ops: true } }, 'groups', mapping)).toEqual([]);
    expect(rolesFromClaims({ groups: ['__proto__', 'constructor'] }, 'groups', mapping)).toEqual(
      [],
    );
    expect(rolesFromClaims({}, 'realm_access.roles', mapping)).toEqual([]);
  });
});
