import type {
  ApiKeyView,
  CastellanService,
  RevocationOutcome,
  ScopeDecisionView,
  TokenView,
} from '../api/index.js';
import type {
  GrantRecord,
  KillSwitchRecord,
  ScopeRequestRecord,
  ScopeRequestStatus,
  UserRecord,
} from '../store/index.js';

/** Identity and access for the CLI, in process or over HTTP: the same calls either way. */
export interface AccessBackend {
  listUsers(): Promise<UserRecord[]>;
  createUser(request: Record<string, unknown>): Promise<UserRecord>;
  setUserDisabled(userId: string, disabled: boolean): Promise<UserRecord>;
  createKey(request: Record<string, unknown>): Promise<{ key: string; record: ApiKeyView }>;
  listKeys(filter: { user?: string }): Promise<ApiKeyView[]>;
  revokeKey(keyId: string, reason: string): Promise<ApiKeyView>;
  listGrants(filter: { agent?: string; run?: string; active?: boolean }): Promise<GrantRecord[]>;
  listRequests(filter: {
    status?: ScopeRequestStatus[];
    run?: string;
  }): Promise<ScopeRequestRecord[]>;
  requestScope(request: Record<string, unknown>): Promise<ScopeRequestRecord>;
  decideRequest(requestId: string, decision: Record<string, unknown>): Promise<ScopeDecisionView>;
  revokeGrant(grantId: string, reason: string): Promise<GrantRecord>;
  listTokens(filter: {
    run?: string;
    agent?: string;
    user?: string;
    active?: boolean;
  }): Promise<TokenView[]>;
  revokeTokens(request: Record<string, unknown>): Promise<RevocationOutcome>;
  killSwitch(): Promise<KillSwitchRecord>;
  setKillSwitch(
    engaged: boolean,
    reason: string,
  ): Promise<{ state: KillSwitchRecord; haltedRuns: RevocationOutcome['haltedRuns'] }>;
}

/** In process, on the home's store, as the `--as` user. */
export function embeddedAccess(
  service: () => CastellanService,
  actor: () => UserRecord,
): AccessBackend {
  const access = () => service().access;
  return {
    listUsers: () => access().accounts.listUsers(actor()),
    createUser: (request) => access().accounts.createUser(actor(), request),
    setUserDisabled: (userId, disabled) =>
      access().accounts.setUserDisabled(actor(), userId, disabled),
    createKey: (request) => access().accounts.createApiKey(actor(), request),
    listKeys: (filter) => access().accounts.listApiKeys(actor(), filter),
    revokeKey: (keyId, reason) => access().accounts.revokeApiKey(actor(), keyId, { reason }),
    listGrants: (filter) => access().grants.listGrants(actor(), filter),
    listRequests: (filter) => access().grants.listRequests(actor(), filter),
    requestScope: (request) => access().grants.request(actor(), request),
    decideRequest: (requestId, decision) => access().grants.decide(actor(), requestId, decision),
    revokeGrant: (grantId, reason) => access().grants.revoke(actor(), grantId, { reason }),
    listTokens: (filter) => access().revocation.listTokens(actor(), filter),
    revokeTokens: (request) => access().revocation.revokeTokens(actor(), request),
    killSwitch: () => access().revocation.killSwitch(actor()),
    setKillSwitch: (engaged, reason) =>
      access().revocation.setKillSwitch(actor(), { engaged, reason }),
  };
}

/** A JSON call to the server, as HttpBackend makes it. */
export type HttpCall = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/** Over HTTP, against `castellan serve`. */
export function httpAccess(call: HttpCall): AccessBackend {
  const query = (values: Record<string, string | boolean | string[] | undefined>) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined || value === false) continue;
      search.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    const text = search.toString();
    return text.length === 0 ? '' : `?${text}`;
  };
  const segment = (value: string) => encodeURIComponent(value);
  return {
    listUsers: async () => (await call<{ users: UserRecord[] }>('GET', '/v1/users')).users,
    createUser: (request) => call('POST', '/v1/users', request),
    setUserDisabled: (userId, disabled) =>
      call('POST', `/v1/users/${segment(userId)}/${disabled ? 'disable' : 'enable'}`, {}),
    createKey: (request) => call('POST', '/v1/keys', request),
    listKeys: async (filter) =>
      (await call<{ keys: ApiKeyView[] }>('GET', `/v1/keys${query(filter)}`)).keys,
    revokeKey: (keyId, reason) => call('POST', `/v1/keys/${segment(keyId)}/revoke`, { reason }),
    listGrants: async (filter) =>
      (await call<{ grants: GrantRecord[] }>('GET', `/v1/grants${query(filter)}`)).grants,
    listRequests: async (filter) =>
      (await call<{ requests: ScopeRequestRecord[] }>('GET', `/v1/scope-requests${query(filter)}`))
        .requests,
    requestScope: (request) => call('POST', '/v1/scope-requests', request),
    decideRequest: (requestId, decision) =>
      call('POST', `/v1/scope-requests/${segment(requestId)}/decision`, decision),
    revokeGrant: (grantId, reason) =>
      call('POST', `/v1/grants/${segment(grantId)}/revoke`, { reason }),
    listTokens: async (filter) =>
      (await call<{ tokens: TokenView[] }>('GET', `/v1/tokens${query(filter)}`)).tokens,
    revokeTokens: (request) => call('POST', '/v1/tokens/revoke', request),
    killSwitch: () => call('GET', '/v1/killswitch'),
    setKillSwitch: (engaged, reason) => call('POST', '/v1/killswitch', { engaged, reason }),
  };
}
