/**
 * The tokens room: instance keys, capability tokens (mint by exchange, verify, revoke), scope
 * matching and scope sets, grants and just-in-time elevation, revocation epochs, the kill switch.
 */
export { TokenError } from './errors.js';
export type { TokenErrorCode } from './errors.js';
export {
  DEFAULT_CLIENT_ID,
  MAX_TOKEN_BYTES,
  MAX_TOKEN_TTL_SECONDS,
  TOKEN_ALGORITHM,
  TOKEN_TYPE,
} from './limits.js';
export { generateInstanceKeys } from './instance-keys.js';
export type { InstanceKeys } from './instance-keys.js';
export {
  loadInstanceKeys,
  saveInstanceKeys,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
} from './key-files.js';
export { mintCapabilityToken } from './mint.js';
export type { MintClaims, MintedToken } from './mint.js';
export { verifyCapabilityToken } from './verify.js';
export type { VerifyOptions } from './verify.js';
export type { CapabilityClaims } from './claims.js';
export {
  parseScope,
  isBindingValue,
  isGrantableScope,
  scopeCovers,
  missingScopes,
  MAX_SCOPE_LENGTH,
} from './scopes.js';
export type { ParsedScope } from './scopes.js';
export { bindScope } from './bind-scope.js';
export { revocationCheck, revokeCapabilityToken } from './revocation.js';
export type { RevocationAnswer, RevocationReason } from './revocation-answer.js';
export { revocationCheckFor, judgeRevocation } from './revocation-check.js';
export type { RevocableClaims } from './revocation-check.js';
export { RevocationWatcher } from './revocation-watcher.js';
export type { WatchedCall, WatcherOptions } from './revocation-watcher.js';
export {
  meetScope,
  intersectScopes,
  subsumes,
  neededScopes,
  restrictToPatterns,
  patternsAllow,
} from './scope-sets.js';
export { delegablePatterns, delegableScopes } from './delegation.js';
export { TokenExchange } from './exchange.js';
export type { ExchangeRequest, ExchangedToken, TokenExchangeDependencies } from './exchange.js';
export { ScopeElevation, checkRequestableScope } from './elevation.js';
export type { ElevationVerdict, RunScopeNeed, ElevationDependencies } from './elevation.js';
export { decideScopeRequest } from './decide-request.js';
export type { ScopeDecision, DecidedRequest } from './decide-request.js';
export { revokeTokenByJti, revokeTokensOf, setKillSwitch, revokeGrant } from './revoke.js';
export type { RevocationAct } from './revoke.js';
