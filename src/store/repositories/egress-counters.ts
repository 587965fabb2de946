import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type {
  EgressAmount,
  EgressCharge,
  EgressCounterRepository,
  EgressTotals,
} from '../guard-policy-port.js';
import { fromDbInteger, lockForOrganisation, type RepositoryContext } from './context.js';

/** The destination key of a run's total. */
const RUN_TOTAL = '*';

async function read(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  destination: string,
): Promise<EgressTotals> {
  const rows = await db
    .selectFrom('egress_counters')
    .select(['destination', 'bytes', 'records'])
    .where('org_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('destination', 'in', [RUN_TOTAL, destination])
    .execute();
  const amount = (key: string): EgressAmount => {
    const row = rows.find((candidate) => candidate.destination === key);
    return row === undefined
      ? { bytes: 0, records: 0 }
      : { bytes: fromDbInteger(row.bytes), records: fromDbInteger(row.records) };
  };
  return { run: amount(RUN_TOTAL), destination: amount(destination) };
}

/** Egress counters per run and destination, charged atomically against limits. */
export function egressCounterRepository(context: RepositoryContext): EgressCounterRepository {
  return {
    totals: (orgId, runId, destination) => read(context.db, orgId, runId, destination),

    async charge(orgId, runId, destination, amount, limits, at) {
      if (destination === RUN_TOTAL) throw new RangeError('"*" is not a destination name');
      return context.inTransaction(async (transaction): Promise<EgressCharge> => {
        // PostgreSQL: one writer per run at a time; SQLite's IMMEDIATE transaction already is.
        await lockForOrganisation(context, transaction, 'egress', `${orgId}/${runId}`);
        const totals = await read(transaction, orgId, runId, destination);
        const after: EgressTotals = {
          run: add(totals.run, amount),
          destination: add(totals.destination, amount),
        };
        const exceeded: Extract<EgressCharge, { ok: false }>['exceeded'] = [];
        if (after.run.bytes > limits.run.bytes) exceeded.push('run-bytes');
        if (after.run.records > limits.run.records) exceeded.push('run-records');
        if (after.destination.bytes > limits.destination.bytes) exceeded.push('destination-bytes');
        if (after.destination.records > limits.destination.records)
          exceeded.push('destination-records');
        if (exceeded.length > 0) return { ok: false, totals, exceeded };
        for (const [key, value] of [
          [RUN_TOTAL, after.run],
          [destination, after.destination],
        ] as const) {
          await transaction
            .insertInto('egress_counters')
            .values({
              org_id: orgId,
              run_id: runId,
              destination: key,
              bytes: value.bytes,
              records: value.records,
              updated_at: at,
            })
            .onConflict((conflict) =>
              conflict.columns(['org_id', 'run_id', 'destination']).doUpdateSet({
                bytes: value.bytes,
                records: value.records,
                updated_at: at,
              }),
            )
            .execute();
        }
        return { ok: true, totals: after };
      });
    },
  };
}

function add(left: EgressAmount, right: EgressAmount): EgressAmount {
  return { bytes: left.bytes + right.bytes, records: left.records + right.records };
}
