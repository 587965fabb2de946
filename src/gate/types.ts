import type { AuditLog, StageRecord } from '../audit/index.js';
import type { Approvals } from '../approvals/index.js';
import type { CastellanConfig, Environment } from '../config/index.js';
import type { ConnectorRegistry, ConnectorSettings } from '../connectors/index.js';
import type { GuardSettings } from '../guard/index.js';
import type { Clock } from '../core/index.js';
import type { PackAdmissionCheck, PackCatalog } from '../packs/index.js';
import type { PolicyEngine } from '../policy/index.js';
import type { AgentRecord, Store, UserRecord } from '../store/index.js';
import type { InstanceKeys, RevocationWatcher, ScopeElevation } from '../tokens/index.js';

/** The model that proposed a call, recorded with it. */
export interface ModelInfo {
  provider: string;
  id: string;
  version: string;
}

/** One proposed tool call, as the runtime hands it to the gate. */
export interface ToolCallRequest {
  orgId: string;
  run: {
    id: string;
    requestedBy: string;
    agentId: string;
    tainted: boolean;
    /** The run's prompt digest, bound into every entry of the call. */
    promptDigest?: string;
    /** A rollback run's writes always need a person, whatever policy says of the tool. */
    kind?: 'task' | 'rollback';
    /** The run a rollback undoes, shown to its approvers. */
    rollbackOf?: string;
  };
  agent: AgentRecord;
  user: UserRecord;
  stepIndex: number;
  /** What the planner named: untrusted (it may come from a model). */
  tool: string;
  /** What the planner passed: untrusted until validated against the tool's schema. */
  args: unknown;
  /** The run's capability token. */
  token: string;
  model?: ModelInfo;
  /** When resuming after a human decision: the approval that covers exactly this call. */
  approvalId?: string;
  /**
   * The state the resource must be in right before the call runs (the listed fields of the
   * connector's observation); anything else is a denial (`state-conflict`), never an overwrite.
   */
  expectState?: { fields: string[] | undefined; value: unknown; why: string };
  /**
   * Where each top-level argument came from (`prompt`, `config`, `planner`, `trusted-tool`,
   * `untrusted`), computed by the runtime from the run's earlier texts. Absent (a caller that
   * cannot know), every argument of a tainted run counts as untrusted.
   */
  provenance?: Record<string, string>;
  /**
   * Whose data the arguments carry, by data class: `own` (first seen in the prompt or a trusted
   * tool's output) and `untrusted` (first seen in untrusted content), from the runtime. Absent,
   * every class found counts as both.
   */
  dataSources?: { own: string[]; untrusted: string[] };
  signal?: AbortSignal;
}

/** The gate stages, in order. */
export type GateStage = StageRecord['stage'];

/** The gate's verdict and, when it ran, what the call did. */
export type GateOutcome =
  | {
      outcome: 'executed';
      toolId: string;
      ok: boolean;
      output: unknown;
      error?: string;
      taints: boolean;
      resultDigest: string;
    }
  | {
      outcome: 'denied';
      toolId: string | undefined;
      stage: GateStage;
      code: string;
      reason: string;
      policyIds: string[];
    }
  | {
      outcome: 'needs-approval';
      toolId: string;
      approvalId: string;
      approverRole: string;
      quorum: number;
      reasons: string[];
      policyIds: string[];
    }
  | {
      /** The run's token lacks a just-in-time scope: a scope request waits for an admin. */
      outcome: 'needs-elevation';
      toolId: string;
      requestId: string;
      scope: string;
      reasons: string[];
    };

/** Identity and access for the gate, wired by the level above; absent, none of it applies. */
export interface GateAccess {
  /** Asked when the token lacks a scope; absent (or not elevatable), a missing scope denies. */
  elevation?: ScopeElevation;
  /** Aborts calls in flight whose token is revoked, or when the kill switch turns on. */
  watcher?: RevocationWatcher;
  /** Longest `act` chain a capability token may carry (default 1). */
  maxActDepth?: number;
}

/** Everything the gate needs, wired by the level above. */
export interface GateDependencies {
  store: Store;
  audit: AuditLog;
  approvals: Approvals;
  catalog: PackCatalog;
  /**
   * Quarantine, admission and key trust, read from the store on every call. Absent, only unsigned
   * packs in the environments that allow them resolve (fail closed).
   */
  packs?: PackAdmissionCheck;
  /** The enforced policy engine; undefined when no valid policy set is loaded (fail closed). */
  policy: () => PolicyEngine | undefined;
  /** A candidate policy set decided beside the enforced one: recorded, never enforced. */
  shadowPolicy?: () => PolicyEngine | undefined;
  /** Data rules and egress budgets; the guard's defaults when absent. */
  guard?: GuardSettings;
  keys: InstanceKeys;
  tokens: CastellanConfig['tokens'];
  /** Just-in-time elevation, revocation in flight, delegation depth. */
  access?: GateAccess;
  connectors: ConnectorRegistry;
  connectorSettings: ConnectorSettings;
  environment: Environment;
  allowUnsignedIn: Environment[];
  approvalExpirySeconds: number;
  /** Webhooks told of each new approval request (their rows join the request's transaction). */
  notifyChannels?: string[];
  /** The role that approves a rollback's writes (default `approver`). */
  rollbackApproverRole?: string;
  clock: Clock;
}
