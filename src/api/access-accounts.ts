import { issueApiKey } from '../identity/index.js';
import type { ApiKeyRecord, UserRecord } from '../store/index.js';
import type { AccessContext } from './access-context.js';
import {
  createApiKeySchema,
  createUserSchema,
  revokeSchema,
  userIdSchema,
} from './access-inputs.js';
import { ApiError } from './errors.js';
import { parseInput } from './inputs.js';

/** An API key as it is shown: never its secret, never its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

/**
 * Local accounts and API keys, for the embedded mode and for services: a key's secret is shown
 * once, when it is made, and stored only as a hash; keys expire and can be revoked; listings
 * never carry a secret. Every change is audited.
 */
export class AccountService {
  constructor(private readonly context: AccessContext) {}

  /** Local and OIDC-provisioned users. */
  async listUsers(actor: UserRecord): Promise<UserRecord[]> {
    this.context.permit(actor, 'user.read');
    return this.context.store.users.list(this.context.orgId);
  }

  /** Creates a local account (its id never clashes with `oidc:` users). */
  async createUser(actor: UserRecord, raw: unknown): Promise<UserRecord> {
    this.context.permit(actor, 'user.manage');
    const input = parseInput(createUserSchema, raw, 'user');
    const { store, orgId, clock } = this.context;
    if ((await store.users.get(orgId, input.id)) !== undefined) {
      throw new ApiError('bad-input', `user ${input.id} exists`);
    }
    const user: UserRecord = {
      orgId,
      id: input.id,
      displayName: input.displayName,
      roles: [...new Set(input.roles)],
      disabled: false,
      createdAt: clock.now().toISOString(),
    };
    await this.audited(actor, 'created', user);
    await store.users.upsert(user);
    return user;
  }

  /** Disables or re-enables a user; a disabled user's keys and runs stop working. */
  async setUserDisabled(actor: UserRecord, userId: string, disabled: boolean): Promise<UserRecord> {
    this.context.permit(actor, 'user.manage');
    const user = await this.user(userId);
    if (user.id === actor.id && disabled)
      throw new ApiError('bad-input', 'you may not disable yourself');
    const changed = { ...user, disabled };
    await this.audited(actor, disabled ? 'disabled' : 'enabled', changed);
    await this.context.store.users.upsert(changed);
    return changed;
  }

  /** Issues a key for a user; `key` is the only time the secret is ever shown. */
  async createApiKey(
    actor: UserRecord,
    raw: unknown,
  ): Promise<{ key: string; record: ApiKeyView }> {
    this.context.permit(actor, 'apikey.manage');
    const input = parseInput(createApiKeySchema, raw, 'API key');
    const { store, orgId, clock, audit } = this.context;
    const owner = await this.user(input.user);
    if (owner.disabled) throw new ApiError('bad-input', `user ${owner.id} is disabled`);
    const issued = issueApiKey({
      orgId,
      userId: owner.id,
      label: input.label,
      expiresAt: new Date(clock.now().getTime() + input.expiresInSeconds * 1000),
      clock,
    });
    await audit.append({
      type: 'api-key-issued',
      actor: { user: actor.id },
      details: {
        keyId: issued.record.id,
        user: owner.id,
        label: input.label,
        expiresAt: issued.record.expiresAt,
      },
    });
    await store.apiKeys.insert(issued.record);
    return { key: issued.presented, record: view(issued.record) };
  }

  /** Keys of one user, or of everyone, without secrets. */
  async listApiKeys(actor: UserRecord, filter: { user?: string } = {}): Promise<ApiKeyView[]> {
    this.context.permit(actor, 'apikey.read');
    const { store, orgId } = this.context;
    const users =
      filter.user === undefined
        ? (await store.users.list(orgId)).map((user) => user.id)
        : [parseInput(userIdSchema, filter.user, 'user')];
    const keys = await Promise.all(users.map((user) => store.apiKeys.listForUser(orgId, user)));
    return keys.flat().map(view);
  }

  /** Revokes a key at once; authenticating with it fails from now on. */
  async revokeApiKey(actor: UserRecord, keyId: string, raw: unknown): Promise<ApiKeyView> {
    this.context.permit(actor, 'apikey.manage');
    const { reason } = parseInput(revokeSchema, raw, 'revocation');
    const { store, orgId, clock, audit } = this.context;
    const key = await store.apiKeys.get(orgId, keyId);
    if (key === undefined) throw new ApiError('not-found', `no API key ${keyId}`);
    const at = clock.now().toISOString();
    await audit.append({
      type: 'api-key-revoked',
      actor: { user: actor.id },
      details: { keyId, user: key.userId, reason },
    });
    if (!(await store.apiKeys.revoke(orgId, keyId, at)) && key.revokedAt === null) {
      throw new ApiError('not-found', `API key ${keyId} could not be revoked`);
    }
    return view((await store.apiKeys.get(orgId, keyId)) ?? key);
  }

  private async user(userId: string): Promise<UserRecord> {
    const id = parseInput(userIdSchema, userId, 'user');
    const user = await this.context.store.users.get(this.context.orgId, id);
    if (user === undefined) throw new ApiError('not-found', `no user ${id}`);
    return user;
  }

  private async audited(actor: UserRecord, change: string, user: UserRecord): Promise<void> {
    await this.context.audit.append({
      type: 'user-changed',
      actor: { user: actor.id },
      details: { change, user: user.id, roles: user.roles, disabled: user.disabled },
    });
  }
}

function view(record: ApiKeyRecord): ApiKeyView {
  const { secretHash: _hash, ...rest } = record;
  return rest;
}
