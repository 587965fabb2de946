/**
 * The store port's identity-and-access part: grants, scope requests, issued tokens, revocation
 * epochs and the kill switch. Kept beside port.ts so that file only names the repositories.
 */

/** A standing grant (an agent's scopes in an environment) or a just-in-time one (one run). */
export type GrantKind = 'standing' | 'jit';

export interface GrantRecord {
  orgId: string;
  id: string;
  kind: GrantKind;
  agentId: string;
  environment: string;
  scopes: string[];
  runId: string | null; // jit: the one run it elevates
  requestId: string | null; // the scope request it answered, if any
  reason: string;
  requestedBy: string;
  approvedBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export type ScopeRequestStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface ScopeRequestRecord {
  orgId: string;
  id: string;
  kind: GrantKind;
  agentId: string;
  environment: string;
  runId: string | null;
  stepIndex: number | null;
  scope: string;
  resource: string | null;
  reason: string;
  durationSeconds: number;
  requestedBy: string; // who asked; never decides it
  runRequestedBy: string | null; // who started the run: never decides it either
  status: ScopeRequestStatus;
  createdAt: string;
  expiresAt: string; // a pending request past this is expired
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  grantedScope: string | null; // what was granted: the scope or a narrower one
  grantedSeconds: number | null;
  grantId: string | null;
}

/** How a pending scope request was settled. */
export interface ScopeRequestSettlement {
  status: Exclude<ScopeRequestStatus, 'pending'>;
  decidedBy: string;
  decidedAt: string;
  decisionReason: string | null;
  grantedScope?: string;
  grantedSeconds?: number;
  grantId?: string;
}

export interface IssuedTokenRecord {
  orgId: string;
  jti: string;
  runId: string;
  userId: string;
  agentId: string;
  scopes: string[];
  grantIds: string[];
  issuedAt: string;
  expiresAt: string;
}

/** Whose tokens an epoch ends: one agent, one user, one run, or everyone (`all`, id `*`). */
export type EpochSubject = 'agent' | 'user' | 'run' | 'all';

export interface RevocationEpochRecord {
  orgId: string;
  id: string;
  subjectKind: EpochSubject;
  subjectId: string;
  notBefore: string; // tokens issued at or before this moment are refused
  reason: string;
  createdBy: string;
  createdAt: string;
}

export interface KillSwitchRecord {
  orgId: string;
  engaged: boolean;
  reason: string;
  changedBy: string;
  changedAt: string;
}

/** Everything revocation knows about one token, read in one round trip. */
export interface RevocationStatus {
  jtiRevoked: boolean;
  /** The latest epoch covering the token's agent, user or run (or everyone), or null. */
  latestEpoch: string | null;
  killSwitchEngaged: boolean;
}

export interface GrantRepository {
  insert(grant: GrantRecord): Promise<void>;
  get(orgId: string, id: string): Promise<GrantRecord | undefined>;
  /** Newest first; `activeAt` keeps grants neither revoked nor expired at that moment. */
  list(
    orgId: string,
    filter?: { agentId?: string; runId?: string; kind?: GrantKind; activeAt?: string },
  ): Promise<GrantRecord[]>;
  /**
   * Grants in force at `at` for an agent in an environment: its standing grants and the
   * just-in-time grants of `runId`.
   */
  active(
    orgId: string,
    query: { agentId: string; environment: string; runId: string; at: string },
  ): Promise<GrantRecord[]>;
  /** Marks a grant revoked; false when it does not exist or was already revoked. */
  revoke(orgId: string, id: string, at: string, by: string): Promise<boolean>;
}

export interface ScopeRequestRepository {
  insert(request: ScopeRequestRecord): Promise<void>;
  get(orgId: string, id: string): Promise<ScopeRequestRecord | undefined>;
  /** Newest first. */
  list(
    orgId: string,
    filter?: { status?: ScopeRequestStatus[]; runId?: string; agentId?: string },
  ): Promise<ScopeRequestRecord[]>;
  /** Settles a request only while it is pending; false when someone settled it first. */
  settle(orgId: string, id: string, settlement: ScopeRequestSettlement): Promise<boolean>;
}

export interface IssuedTokenRepository {
  insert(token: IssuedTokenRecord): Promise<void>;
  get(orgId: string, jti: string): Promise<IssuedTokenRecord | undefined>;
  /** Newest first; `activeAt` keeps tokens not yet expired at that moment. */
  list(
    orgId: string,
    filter?: {
      runId?: string;
      agentId?: string;
      userId?: string;
      grantId?: string;
      activeAt?: string;
      limit?: number;
    },
  ): Promise<IssuedTokenRecord[]>;
}

export interface RevocationStateRepository {
  addEpoch(epoch: RevocationEpochRecord): Promise<void>;
  /** Newest first. */
  epochs(orgId: string, limit?: number): Promise<RevocationEpochRecord[]>;
  setKillSwitch(state: KillSwitchRecord): Promise<void>;
  killSwitch(orgId: string): Promise<KillSwitchRecord | undefined>;
  /** The jti's revocation, the latest epoch covering its subjects and the kill switch. */
  status(
    orgId: string,
    token: { jti: string; agentId: string; userId: string; runId: string },
  ): Promise<RevocationStatus>;
}
