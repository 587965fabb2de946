import type { Clock } from '../core/index.js';
import type { UserRecord } from '../store/index.js';
import { API_KEY_PREFIX } from './api-key-format.js';
import { authenticateApiKey, type ApiKeyAuthenticationRepositories } from './api-keys.js';
import { IdentityError } from './errors.js';
import { MAX_OIDC_TOKEN_LENGTH, type OidcVerifier } from './oidc/oidc-verifier.js';
import { provisionOidcUser } from './oidc/oidc-user.js';

/** What bearer authentication needs: the key and user stores, and the OIDC verifier if any. */
export interface BearerAuthentication extends ApiKeyAuthenticationRepositories {
  oidc: OidcVerifier | undefined;
  orgId: string;
  clock: Clock;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The user a presented bearer credential names: a local API key (`cst_…`) or, when an issuer is
 * configured, an OIDC access token. The credential is attacker-controlled: its size and shape
 * pick the path before anything is looked up or fetched.
 */
export async function authenticateBearer(
  presented: unknown,
  context: BearerAuthentication,
): Promise<UserRecord> {
  if (typeof presented !== 'string' || presented.length > MAX_OIDC_TOKEN_LENGTH) {
    throw new IdentityError(
      'malformed-credential',
      'the credential is not a string of a usable size',
    );
  }
  if (presented.startsWith(API_KEY_PREFIX)) {
    return authenticateApiKey(presented, context, context.clock);
  }
  if (!COMPACT_JWS.test(presented)) {
    throw new IdentityError(
      'malformed-credential',
      'the credential is neither a Castellan API key (cst_…) nor a JWT',
    );
  }
  if (context.oidc === undefined) {
    throw new IdentityError(
      'oidc-not-configured',
      'a JWT was presented but no OIDC issuer is configured (identity.oidc)',
    );
  }
  const identity = await context.oidc.verify(presented);
  return provisionOidcUser(identity, context.users, context.orgId, context.clock);
}
