/** The tokens room: instance keys, capability tokens (mint, verify, revoke) and scope matching. */
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
