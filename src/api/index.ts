export { CastellanService } from './service.js';
export { PolicyService } from './policies/policy-service.js';
export type { ApplyOutcome, PolicyVersionView } from './policies/policy-service.js';
export type { PolicyChange, PolicyDiff } from './policies/policy-diff.js';
export type { ChangedDecision, DecisionComparison } from './policies/policy-history.js';
export { POLICY_APPLY_TOOL, isPolicyApproval } from './policies/policy-approvals.js';
export type { OpenOptions, RunView, ApprovalView } from './service.js';
export { initHome, SHIPPED_PACKS_DIR } from './home.js';
export type { InitResult } from './home.js';
export { ApiError } from './errors.js';
export { AuditService } from './audit-service.js';
export type { ConsistencyProofView, InclusionProofView } from './audit-service.js';
export { AUDIT_KEY_DIR, VERIFIER_KEY_FILE } from './audit-keys.js';
export type { ApiErrorCode } from './errors.js';
export { startRunSchema, decisionSchema } from './inputs.js';
export type { StartRunInput } from './inputs.js';
export { DEMO_USERS, DEMO_AGENTS } from './demo-organisation.js';
export { localKey, CREDENTIALS_FILE } from './credentials.js';
export { activatePolicyFolder, readPolicyFolder } from './policy-loading.js';
export { runItopsScenario } from './scenarios/itops-scenario.js';
export { runRndScenario } from './scenarios/rnd-scenario.js';
export { runFinanceScenario } from './scenarios/finance-scenario.js';
export { runComplianceScenario } from './scenarios/compliance-scenario.js';
export type {
  ScenarioEvent,
  ScenarioOptions,
  ScenarioSummary,
} from './scenarios/itops-scenario.js';
export { startFakeModel, FAKE_MODEL_FIXTURES } from './scenarios/fake-model-target.js';
export type { RunningFakeModel } from './scenarios/fake-model-target.js';
export { startItopsFleet, waitForIncident } from './scenarios/itops-fleet-target.js';
export type { RunningFleet } from './scenarios/itops-fleet-target.js';
export type { GovernedTool } from './governed-tools.js';
export { ApprovalWork, instanceLinkSigner } from './approval-work.js';
export type { LinkView, SweepReport } from './approval-work.js';
export { RunRecovery } from './run-recovery.js';
export type { RollbackView } from './run-recovery.js';
export { AccessService } from './access-service.js';
export type { ApiKeyView } from './access-accounts.js';
export type { ScopeDecisionView } from './access-grants.js';
export type { RevocationOutcome, TokenView } from './access-revocation.js';
export { ControlPlaneAuthorizer } from './control-plane-authorizer.js';
