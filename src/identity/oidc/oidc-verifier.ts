import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../../core/index.js';
import { IdentityError, type IdentityErrorCode } from '../errors.js';
import type { Role } from '../roles.js';
import { IssuerKeys, type OidcSettings } from './issuer-keys.js';
import { rolesFromClaims } from './role-mapping.js';

/** Who a verified OIDC token names, and the Castellan roles its claims map to. */
export interface OidcIdentity {
  /** `oidc:<username claim>`: never the same as a local account's id. */
  userId: string;
  displayName: string;
  roles: Role[];
  issuer: string;
  subject: string;
}

/** The largest OIDC token looked at; corporate tokens with many groups stay well below. */
export const MAX_OIDC_TOKEN_LENGTH = 8192;

const USERNAME = /^[A-Za-z0-9._@+|-]{1,200}$/;

/**
 * Verifies bearer tokens from the configured OIDC issuer: the algorithm must be one of the
 * configured ones (never `none` or HMAC), the signature must hold under a key from the issuer's
 * key set, and iss, aud, exp, nbf and iat must pass within the configured leeway. Every refusal
 * is an IdentityError with its own code; an unreachable issuer refuses everything (503).
 */
export class OidcVerifier {
  readonly #keys: IssuerKeys;

  constructor(
    private readonly settings: OidcSettings,
    private readonly clock: Clock,
  ) {
    this.#keys = new IssuerKeys(settings, clock);
  }

  /** Verifies a presented token (attacker-controlled) and returns whom it names. */
  async verify(token: string): Promise<OidcIdentity> {
    if (typeof token !== 'string' || token.length > MAX_OIDC_TOKEN_LENGTH) {
      throw new IdentityError(
        'oidc-malformed',
        `the token is not a string of at most ${MAX_OIDC_TOKEN_LENGTH} characters`,
      );
    }
    this.checkHeader(token);
    const payload = await this.verifySigned(token);
    return this.identityOf(payload);
  }

  // Before any key is fetched: the algorithm must be allowed, so `none` and HS256 with a public
  // key as the secret never reach the verifier.
  private checkHeader(token: string): void {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch (cause) {
      throw new IdentityError('oidc-malformed', 'the token is not a JWS', { cause });
    }
    if (token.split('.').length !== 3) {
      throw new IdentityError('oidc-malformed', 'the token is not a compact JWS');
    }
    const algorithms: readonly string[] = this.settings.algorithms;
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
      throw new IdentityError(
        'oidc-bad-algorithm',
        `algorithm ${JSON.stringify(String(header.alg).slice(0, 20))} is not one of ${algorithms.join(', ')}`,
      );
    }
  }

  private async verifySigned(token: string): Promise<JWTPayload> {
    const options = {
      algorithms: [...this.settings.algorithms],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      requiredClaims: ['exp', this.settings.usernameClaim],
      clockTolerance: this.settings.leewaySeconds,
      currentDate: this.clock.now(),
    };
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, await this.#keys.resolver(), options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw translate(error);
      // The issuer may have rotated its keys since they were cached: fetch once more.
      const fresh = await this.#keys.refreshForUnknownKey();
      if (fresh === undefined) throw translate(error);
      try {
        payload = (await jwtVerify(token, fresh, options)).payload;
      } catch (retryError) {
        throw translate(retryError);
      }
    }
    // jose checks a future iat only with maxTokenAge; skew beyond the leeway is refused here.
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + this.settings.leewaySeconds) {
      throw new IdentityError('oidc-not-yet-valid', 'the token was issued in the future');
    }
    return payload;
  }

  private identityOf(payload: JWTPayload): OidcIdentity {
    const username = payload[this.settings.usernameClaim];
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      throw new IdentityError(
        'oidc-bad-subject',
        `the ${this.settings.usernameClaim} claim does not name a user Castellan can record`,
      );
    }
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 200) : username;
    return {
      userId: `oidc:${username}`,
      displayName: name,
      roles: rolesFromClaims(payload, this.settings.rolesClaim, this.settings.roleMapping),
      issuer: this.settings.issuer,
      subject: typeof payload.sub === 'string' ? payload.sub : username,
    };
  }
}

function translate(error: unknown): IdentityError {
  if (error instanceof IdentityError) return error;
  const code = codeFor(error);
  const message = error instanceof Error ? error.message : 'the token could not be verified';
  return new IdentityError(code, `OIDC token refused: ${message}`, { cause: error });
}

function codeFor(error: unknown): IdentityErrorCode {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'oidc-bad-signature';
  if (error instanceof errors.JWTExpired) return 'oidc-expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'oidc-bad-algorithm';
  if (error instanceof errors.JWKSNoMatchingKey) return 'oidc-unknown-key';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'oidc-unknown-key';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'oidc-missing-claim';
    if (error.reason !== 'check_failed') return 'oidc-malformed';
    if (error.claim === 'iss') return 'oidc-wrong-issuer';
    if (error.claim === 'aud') return 'oidc-wrong-audience';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'oidc-not-yet-valid';
    return 'oidc-malformed';
  }
  // jose throws plain TypeErrors only about keys (a modulus too short, a wrong key type): the
  // issuer's key set is at fault. Anything else (a malformed JWS, an unknown `crit`) is the token.
  if (!(error instanceof errors.JOSEError)) return 'oidc-jwks-invalid';
  return 'oidc-malformed';
}
