export { guardSettingsSchema } from './guard-settings.js';
export type { GuardConfig } from './guard-settings.js';
export { configSchema, environmentSchema } from './schema.js';
export type { CastellanConfig, Environment } from './schema.js';
export {
  CONFIG_FILE,
  ConfigError,
  readEnvironment,
  parseConfig,
  loadConfig,
  formatIssues,
} from './load.js';
export type { ConfigErrorCode, EnvironmentSettings } from './load.js';
export { auditSettingsSchema } from './audit-settings.js';
export type { AuditSettings } from './audit-settings.js';
export { identitySchema, identityDefaults, scopePatternSchema } from './identity-schema.js';
export {
  approvalSettingsSchema,
  notificationSettingsSchema,
  webhookSchema,
} from './approval-settings.js';
export type {
  ApprovalSettings,
  NotificationSettings,
  WebhookSettings,
} from './approval-settings.js';
export {
  apiKeyReferenceSchema,
  modelLimitsSchema,
  modelProfileSchema,
  modelsSchema,
} from './model-settings.js';
export type { ApiKeyReference, ModelLimits, ModelProfile } from './model-settings.js';
export { readModelApiKey } from './model-secrets.js';
