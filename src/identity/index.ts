/** The identity room: roles, the control-plane permission table, API keys and OIDC bearer tokens. */
export { IdentityError } from './errors.js';
export type { IdentityErrorCode } from './errors.js';
export {
  ROLES,
  isRole,
  isDomainApproverRole,
  approverDomain,
  hasRole,
  effectiveRoles,
} from './roles.js';
export type { FixedRole, DomainApproverRole, Role } from './roles.js';
export {
  CONTROL_PLANE_ACTIONS,
  authorizeControlPlane,
  isControlPlaneAction,
} from './control-plane.js';
export type { ControlPlaneAction, ControlPlaneDecision, RoleGrant } from './control-plane.js';
export { API_KEY_PREFIX, MAX_API_KEY_LENGTH, formatApiKey, parseApiKey } from './api-key-format.js';
export type { PresentedApiKey } from './api-key-format.js';
export { issueApiKey, authenticateApiKey } from './api-keys.js';
export type {
  IssuedApiKey,
  IssueApiKeyRequest,
  ApiKeyAuthenticationRepositories,
} from './api-keys.js';
export { authenticateBearer } from './authenticate.js';
export type { BearerAuthentication } from './authenticate.js';
export { OidcVerifier, MAX_OIDC_TOKEN_LENGTH } from './oidc/oidc-verifier.js';
export type { OidcIdentity } from './oidc/oidc-verifier.js';
export type { OidcSettings } from './oidc/issuer-keys.js';
export { rolesFromClaims } from './oidc/role-mapping.js';
export { provisionOidcUser } from './oidc/oidc-user.js';
