/**
 * Byte budgets of runs. Every step of a run draws from one budget, so a run cannot exfiltrate
 * more by spreading its upload over many steps. The ledger lives in the Castellan process that
 * runs the steps; see the report on what that leaves open across restarts.
 */

/** The run's allowance, in bytes each way. */
export interface EgressBudget {
  /** Bytes a run's steps may send out (the exfiltration budget). */
  bytesOut: number;
  /** Bytes a run's steps may receive. */
  bytesIn: number;
}

/** One run's counters. */
export class RunAccount {
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    readonly runId: string,
    readonly budget: EgressBudget,
  ) {}

  /**
   * Takes `bytes` from the budget in one direction. Returns false, taking nothing, when they
   * would pass it: the caller then cuts the connection instead of forwarding the chunk.
   */
  charge(direction: 'in' | 'out', bytes: number): boolean {
    if (direction === 'out') {
      if (this.bytesOut + bytes > this.budget.bytesOut) return false;
      this.bytesOut += bytes;
    } else {
      if (this.bytesIn + bytes > this.budget.bytesIn) return false;
      this.bytesIn += bytes;
    }
    return true;
  }

  /** True once either direction has nothing left: new connections are refused. */
  get spent(): boolean {
    return this.bytesOut >= this.budget.bytesOut || this.bytesIn >= this.budget.bytesIn;
  }
}

/** Most runs remembered; the oldest account is dropped past it. */
const maxRuns = 10_000;

/** The accounts of the runs this process has stepped, oldest first. */
export class EgressLedger {
  private readonly accounts = new Map<string, RunAccount>();

  constructor(readonly budget: EgressBudget) {}

  /** The run's account, created with the ledger's budget on first use. */
  account(runId: string): RunAccount {
    let account = this.accounts.get(runId);
    if (account === undefined) {
      account = new RunAccount(runId, this.budget);
      this.accounts.set(runId, account);
      if (this.accounts.size > maxRuns) {
        const oldest = this.accounts.keys().next().value;
        if (oldest !== undefined) this.accounts.delete(oldest);
      }
    }
    return account;
  }
}
