/** The guard room: PII and secret detection, data rules, redaction, egress budgets and taint. */
export { redactSecrets } from './redact.js';
export type { RedactionReport } from './redact.js';
export { findSecretKinds, isSecretKeyName, SECRET_VALUE_PATTERNS } from './secrets.js';
export type { SecretPattern } from './secrets.js';
export {
  checkOutbound,
  checkInbound,
  outboundFacts,
  overBudget,
  DEFAULT_GUARD_SETTINGS,
} from './data-check.js';
export type {
  OutboundCheck,
  InboundCheck,
  OutboundCall,
  OutboundFacts,
  GuardSettings,
} from './data-check.js';
export { RunVault } from './vault.js';
export { DEFAULT_EGRESS_BUDGETS, egressBytes, chargeEgress } from './egress.js';
export type { EgressBudgets } from './egress.js';
export { argumentProvenance, dataSources, ARGUMENT_SOURCES } from './provenance.js';
export type { ArgumentSource, ProvenanceSource } from './provenance.js';
export {
  DATA_CLASSES,
  PII_CLASSES,
  DESTINATION_CLASSES,
  PLACEHOLDER_LABELS,
  isDataClass,
} from './data-classes.js';
export type { DataClass, DestinationClass } from './data-classes.js';
export type { Finding, Detector, Candidate } from './detectors/detector.js';
export { luhnValid, cardBrand } from './detectors/card.js';
export { shannonEntropy } from './detectors/secret.js';
export { scanText, scanValue, DETECTORS, REPORT_THRESHOLD } from './scan.js';
export type { ValueFinding } from './scan.js';
export { DEFAULT_DATA_RULES, resolveDataRules, floorViolation, strictest } from './rules.js';
export type { DataAction, DataRules, DataRuleOverrides } from './rules.js';
export {
  PlaceholderAllocator,
  PLACEHOLDER_PATTERN,
  placeholdersIn,
  restorePlaceholders,
} from './placeholders.js';
export type { VaultEntry } from './placeholders.js';
export { applyDataRules } from './apply-rules.js';
export type { DataVerdict, FindingSummary } from './apply-rules.js';
