import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { CastellanConfig } from '../../config/index.js';
import type { Clock } from '../../core/index.js';
import { IdentityError } from '../errors.js';
import { fetchIssuerJson } from './bounded-fetch.js';

/** The OIDC settings the verifier works from. */
export type OidcSettings = NonNullable<CastellanConfig['identity']['oidc']>;

interface Loaded {
  at: number;
  keys: JWTVerifyGetKey;
}

/** After a failure, callers get the same refusal for this long instead of a new fetch each. */
const FAILURE_COOLDOWN_MS = 5000;
/** A token naming an unknown key may trigger a fresh key set at most this often (rotation). */
const UNKNOWN_KEY_COOLDOWN_MS = 30_000;

/**
 * The issuer's signing keys, found through its discovery document and cached for a bounded
 * time (`jwksCacheSeconds`). Past that time the keys are fetched again, and if the issuer cannot
 * be reached they are not used stale: verification fails closed until it answers.
 */
export class IssuerKeys {
  #loaded: Loaded | undefined;
  #failure: { at: number; error: IdentityError } | undefined;
  #loading: Promise<Loaded> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    private readonly clock: Clock,
  ) {}

  /** A key resolver for jose, from the cache or freshly loaded. */
  async resolver(): Promise<JWTVerifyGetKey> {
    const now = this.clock.now().getTime();
    const loaded = this.#loaded;
    if (loaded !== undefined && now - loaded.at < this.settings.jwksCacheSeconds * 1000) {
      return loaded.keys;
    }
    return (await this.load()).keys;
  }

  /** Fetches the key set again after a token named an unknown key, if not done just now. */
  async refreshForUnknownKey(): Promise<JWTVerifyGetKey | undefined> {
    const loaded = this.#loaded;
    const now = this.clock.now().getTime();
    if (loaded !== undefined && now - loaded.at < UNKNOWN_KEY_COOLDOWN_MS) return undefined;
    this.#loaded = undefined;
    return (await this.load()).keys;
  }

  private async load(): Promise<Loaded> {
    const failure = this.#failure;
    if (failure !== undefined && this.clock.now().getTime() - failure.at < FAILURE_COOLDOWN_MS) {
      throw failure.error;
    }
    // Concurrent requests share one fetch.
    this.#loading ??= this.fetchKeys().finally(() => (this.#loading = undefined));
    try {
      this.#loaded = await this.#loading;
      this.#failure = undefined;
      return this.#loaded;
    } catch (error) {
      this.#loaded = undefined;
      const refusal =
        error instanceof IdentityError
          ? error
          : new IdentityError('oidc-unavailable', 'the OIDC issuer could not be used', {
              cause: error,
            });
      this.#failure = { at: this.clock.now().getTime(), error: refusal };
      throw refusal;
    }
  }

  private async fetchKeys(): Promise<Loaded> {
    const { issuer, fetchTimeoutMs } = this.settings;
    const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const discovery = await fetchIssuerJson(discoveryUrl, fetchTimeoutMs);
    if (!discovery.ok) throw fetchRefusal(discovery, 'oidc-discovery-invalid');
    // OIDC Discovery §4.3: the document must name exactly the configured issuer.
    if (discovery.value.issuer !== issuer) {
      throw new IdentityError(
        'oidc-discovery-invalid',
        `the discovery document names issuer ${JSON.stringify(String(discovery.value.issuer).slice(0, 200))}, not ${issuer}`,
      );
    }
    const jwksUri = discovery.value.jwks_uri;
    if (typeof jwksUri !== 'string' || !allowedKeyUrl(jwksUri, issuer)) {
      throw new IdentityError(
        'oidc-discovery-invalid',
        'the discovery document has no usable jwks_uri (https, or the issuer’s own loopback origin)',
      );
    }
    const jwks = await fetchIssuerJson(jwksUri, fetchTimeoutMs);
    if (!jwks.ok) throw fetchRefusal(jwks, 'oidc-jwks-invalid');
    let keys: JWTVerifyGetKey;
    try {
      keys = createLocalJWKSet(jwks.value as never);
    } catch (cause) {
      throw new IdentityError('oidc-jwks-invalid', `the key set at ${jwksUri} is malformed`, {
        cause,
      });
    }
    return { at: this.clock.now().getTime(), keys: guardKeyImport(keys, jwksUri) };
  }
}

// Keys are imported lazily, when a token names one: a key the set holds but that cannot be
// imported is the issuer's fault, reported as a bad key set rather than a bad token.
function guardKeyImport(keys: JWTVerifyGetKey, jwksUri: string): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw error;
      if (error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new IdentityError('oidc-jwks-invalid', `a key in ${jwksUri} cannot be used`, {
        cause: error,
      });
    }
  };
}

function allowedKeyUrl(url: string, issuer: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  // Plain http only where the issuer itself is a loopback http origin (local providers, tests).
  return parsed.protocol === 'http:' && parsed.origin === new URL(issuer).origin;
}

function fetchRefusal(
  failure: { kind: 'unreachable' | 'unusable'; detail: string },
  unusable: 'oidc-discovery-invalid' | 'oidc-jwks-invalid',
): IdentityError {
  return failure.kind === 'unreachable'
    ? new IdentityError('oidc-unavailable', `the OIDC issuer is unreachable: ${failure.detail}`)
    : new IdentityError(unusable, failure.detail);
}
