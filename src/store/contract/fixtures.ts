import { canonicalJson, newId, sha256Hex } from '../../core/index.js';
import type {
  AgentRecord,
  ApiKeyRecord,
  ApprovalRecord,
  AuditRow,
  RunRecord,
  StepRecord,
  Store,
  UserRecord,
} from '../port.js';

/** What each part of the contract suite needs: the shared store and a way to open another. */
export interface ContractHarness {
  /** The store opened once for the suite; each test works in its own organisation. */
  store(): Store;
  /** A second store instance on the same database (closed by the suite). */
  openAnother(): Promise<Store>;
}

/** A fresh organisation id, so tests sharing one database never see each other's rows. */
export function newOrg(): string {
  return newId('org');
}

/** The genesis hash of a test chain. */
export const GENESIS = '0'.repeat(64);

/** A build function for audit.append that chains like the audit room will. */
export function chainedRow(orgId: string, entry: Record<string, unknown>) {
  return (tail: { seq: number; hash: string } | undefined): AuditRow => {
    const prevHash = tail?.hash ?? GENESIS;
    return {
      orgId,
      seq: (tail?.seq ?? 0) + 1,
      entry,
      prevHash,
      hash: sha256Hex(prevHash + canonicalJson(entry)),
    };
  };
}

/** A user with every field set. */
export function aUser(orgId: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    orgId,
    id: 'alice',
    displayName: 'Alice Admin',
    roles: ['admin', 'approver'],
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** An API key for a user. */
export function anApiKey(orgId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    orgId,
    id: newId('key'),
    userId: 'alice',
    secretHash: sha256Hex('secret'),
    label: 'laptop',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** An agent with a playbook planner. */
export function anAgent(orgId: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    orgId,
    id: 'ops-bot',
    description: 'restarts services',
    owner: 'alice',
    environment: 'staging',
    packs: ['itops', 'tickets'],
    scopes: ['itops:service.restart'],
    planner: { kind: 'playbook', playbook: 'restart-on-alert' },
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A queued run. */
export function aRun(orgId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    orgId,
    id: newId('run'),
    agentId: 'ops-bot',
    requestedBy: 'alice',
    prompt: 'restart the billing service',
    status: 'queued',
    planner: { kind: 'scripted', cursor: 0, memory: { notes: ['a', 'b'] } },
    input: { service: 'billing', force: false, attempts: 3 },
    tainted: false,
    tokenJti: null,
    reason: null,
    stepCount: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** A proposed step of a run. */
export function aStep(
  orgId: string,
  runId: string,
  overrides: Partial<StepRecord> = {},
): StepRecord {
  return {
    orgId,
    runId,
    index: 0,
    tool: 'itops/service.restart',
    args: { service: 'billing' },
    status: 'proposed',
    decision: null,
    result: null,
    error: null,
    approvalId: null,
    model: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A pending approval needing one approver. */
export function anApproval(
  orgId: string,
  runId: string,
  overrides: Partial<ApprovalRecord> = {},
): ApprovalRecord {
  return {
    orgId,
    id: newId('apr'),
    runId,
    stepIndex: 0,
    tool: 'finance/ledger.post',
    args: { amount: 1200, currency: 'EUR' },
    requestedBy: 'alice',
    approverRole: 'approver:finance',
    quorum: 2,
    reason: 'policy finance-large-posting',
    status: 'pending',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    decidedAt: null,
    ...overrides,
  };
}
