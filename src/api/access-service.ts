import type { CastellanConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { GateAccess } from '../gate/index.js';
import { OidcVerifier } from '../identity/index.js';
import type { Store } from '../store/index.js';
import {
  RevocationWatcher,
  ScopeElevation,
  TokenExchange,
  type InstanceKeys,
} from '../tokens/index.js';
import { AccountService } from './access-accounts.js';
import type { AccessContext } from './access-context.js';
import { GrantService } from './access-grants.js';
import { RevocationService } from './access-revocation.js';

/** The identity-and-access parts the gate, the run engine and authentication are built with. */
export interface AccessWiring {
  exchange: TokenExchange;
  gate: GateAccess;
  watcher: RevocationWatcher;
  oidc: OidcVerifier | undefined;
}

/** Builds the token exchange, elevation, revocation watcher and OIDC verifier from settings. */
export function wireAccess(options: {
  config: CastellanConfig;
  store: Store;
  keys: InstanceKeys;
  clock: Clock;
}): AccessWiring {
  const { config, store, keys, clock } = options;
  const identity = config.identity;
  const watcher = new RevocationWatcher(store.revocationState, {
    intervalMs: identity.revocation.watchIntervalMs,
  });
  const elevation = new ScopeElevation({
    store,
    jit: identity.jit,
    delegation: identity.delegation,
    requestExpirySeconds: config.approvals.expiresAfterSeconds,
    clock,
  });
  return {
    exchange: new TokenExchange({
      store,
      keys,
      tokens: config.tokens,
      delegation: identity.delegation,
      clock,
    }),
    gate: { elevation, watcher, maxActDepth: identity.maxActDepth },
    watcher,
    oidc: identity.oidc === undefined ? undefined : new OidcVerifier(identity.oidc, clock),
  };
}

/**
 * Identity and access on the control plane: accounts and API keys, grants and scope requests,
 * token revocation and the kill switch. It owns the revocation watcher and disposes of it.
 */
export class AccessService {
  readonly accounts: AccountService;
  readonly grants: GrantService;
  readonly revocation: RevocationService;

  constructor(
    context: AccessContext,
    private readonly wiring: AccessWiring,
  ) {
    this.accounts = new AccountService(context);
    this.grants = new GrantService(context);
    this.revocation = new RevocationService(context);
  }

  /** The OIDC verifier when an issuer is configured. */
  get oidc(): OidcVerifier | undefined {
    return this.wiring.oidc;
  }

  /** Stops the revocation watcher; called once, when the service closes. */
  dispose(): void {
    this.wiring.watcher.dispose();
  }
}
