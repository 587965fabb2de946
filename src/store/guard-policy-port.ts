import type { PolicySetRecord } from './port.js';

/** One placeholder and the value it stands for, in a run's redaction vault. */
export interface VaultRecord {
  orgId: string;
  runId: string;
  placeholder: string; // `[EMAIL_1]`
  dataClass: string;
  value: string; // the real value: never sent to the model, never written to the audit log
  digest: string;
  createdAt: string;
}

/**
 * The per-run redaction vault: what placeholders stand for, kept out of the model's reach for a
 * later trusted step (a connector that needs the real address).
 */
export interface GuardVaultRepository {
  /** Stores new entries; a placeholder already taken in the run is a StoreError 'conflict'. */
  insert(entries: VaultRecord[]): Promise<void>;
  /** Every entry of a run, in placeholder order of creation. */
  forRun(orgId: string, runId: string): Promise<VaultRecord[]>;
}

/** Bytes and records sent. */
export interface EgressAmount {
  bytes: number;
  records: number;
}

/** What a run has sent in all and to one destination. */
export interface EgressTotals {
  run: EgressAmount;
  destination: EgressAmount;
}

/** The outcome of charging a call against its budgets: refused when a limit would be passed. */
export type EgressCharge =
  | { ok: true; totals: EgressTotals }
  | {
      ok: false;
      totals: EgressTotals;
      exceeded: Array<'run-bytes' | 'run-records' | 'destination-bytes' | 'destination-records'>;
    };

/**
 * Egress counters per run and destination, shared by every process on the database, so budgets
 * hold across restarts and workers.
 */
export interface EgressCounterRepository {
  totals(orgId: string, runId: string, destination: string): Promise<EgressTotals>;
  /**
   * Adds `amount` to the run's and the destination's counters, unless either would pass its
   * limit; then nothing changes. Atomic against concurrent charges (one transaction holding the
   * run's lock).
   */
  charge(
    orgId: string,
    runId: string,
    destination: string,
    amount: EgressAmount,
    limits: { run: EgressAmount; destination: EgressAmount },
    at: string,
  ): Promise<EgressCharge>;
}

/** The shadow (candidate) policy set of an organisation. */
export interface PolicyShadowRecord {
  orgId: string;
  version: number;
  setBy: string;
  setAt: string;
}

/** Policy governance: candidate versions that are not active yet, activation and shadow mode. */
export interface PolicyGovernanceRepository {
  /** Stores a new version without activating it (a proposal awaiting approval, a shadow set). */
  propose(record: Omit<PolicySetRecord, 'version' | 'active'>): Promise<PolicySetRecord>;
  /**
   * Makes a stored version the active one if the active version is still `expectedActive`
   * (undefined: none); returns the activated record, or undefined when it changed meanwhile.
   */
  activateVersion(
    orgId: string,
    version: number,
    expectedActive: number | undefined,
  ): Promise<PolicySetRecord | undefined>;
  shadow(orgId: string): Promise<PolicyShadowRecord | undefined>;
  /** Sets the shadow set (or clears it with `version: null`). */
  setShadow(orgId: string, version: number | null, by: string, at: string): Promise<void>;
}
