import { canonicalJson } from '../core/index.js';
import type { EgressAmount, EgressCharge, Store } from '../store/index.js';

/** Egress limits per run and per destination, in bytes and records. */
export interface EgressBudgets {
  runBytes: number;
  runRecords: number;
  destinationBytes: number;
  destinationRecords: number;
}

/**
 * Defaults: 1 MiB and 1000 records per run, 256 KiB and 100 records per destination. A record
 * is one distinct personal-data value (an address, a card, an IBAN) leaving with a call: what
 * an exfiltration moves is records about people.
 */
export const DEFAULT_EGRESS_BUDGETS: EgressBudgets = {
  runBytes: 1024 * 1024,
  runRecords: 1000,
  destinationBytes: 256 * 1024,
  destinationRecords: 100,
};

/** The size of what a call sends: its arguments as canonical JSON, in UTF-8 bytes. */
export function egressBytes(args: unknown): number {
  return Buffer.byteLength(canonicalJson(args ?? null));
}

/** Charges one call against the run's and the destination's budgets; shared through the store. */
export async function chargeEgress(
  store: Store,
  call: { orgId: string; runId: string; destination: string; amount: EgressAmount; at: string },
  budgets: EgressBudgets,
): Promise<EgressCharge> {
  return store.egress.charge(
    call.orgId,
    call.runId,
    call.destination,
    call.amount,
    {
      run: { bytes: budgets.runBytes, records: budgets.runRecords },
      destination: { bytes: budgets.destinationBytes, records: budgets.destinationRecords },
    },
    call.at,
  );
}
