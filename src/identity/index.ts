/** The identity room: roles, the control-plane permission table, and API keys. */
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
