import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type {
  EgressAmount,
  EgressCharge,
  EgressCounterRepository,
  EgressTotals,
} from '../guard-policy-port.js';
import {
  fromDbInteger,
  lockForOrganisation,
  runStatement,
  type RepositoryContext,
} from './context.js';

/** The destination key of a run's total. */
const RUN_TOTAL = '*';

interface CounterRow {
  destination: string;
  bytes: number | string | bigint;
  records: number | string | bigint;
}

function totalsOf(rows: readonly CounterRow[], destination: string): EgressTotals {
  const amount = (key: string): EgressAmount => {
    const row = rows.find((candidate) => candidate.destination === key);
    return row === undefined
      ? { bytes: 0, records: 0 }
      : { bytes: fromDbInteger(row.bytes), records: fromDbInteger(row.records) };
  };
  return { run: amount(RUN_TOTAL), destination: amount(destination) };
}

// Fixed statements past the query builder (see runStatement): these run on every tool call,
// and building and compiling a query cost more than running it.
const READ = `select destination, bytes, records from egress_counters
  where org_id = ? and run_id = ? and destination in ('*', ?)`;

async function read(
  context: RepositoryContext,
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  destination: string,
): Promise<EgressTotals> {
  const rows = await runStatement<CounterRow>(context, db, READ, [orgId, runId, destination]);
  return totalsOf(rows, destination);
}

// The limits are checked against the counters read inside the statement that writes them.
const ADD_WITHIN_LIMITS = `with sent as (
    select
      coalesce(max(case when destination = '*' then bytes end), 0) as run_bytes,
      coalesce(max(case when destination = '*' then records end), 0) as run_records,
      coalesce(max(case when destination = ? then bytes end), 0) as destination_bytes,
      coalesce(max(case when destination = ? then records end), 0) as destination_records
    from egress_counters
    where org_id = ? and run_id = ? and destination in ('*', ?)
  ),
  keys (destination) as (select cast('*' as text) union all select cast(? as text))
  insert into egress_counters (org_id, run_id, destination, bytes, records, updated_at)
  select cast(? as text), cast(? as text), keys.destination,
    cast(? as bigint), cast(? as bigint), cast(? as text)
  from keys, sent
  where sent.run_bytes + ? <= ? and sent.run_records + ? <= ?
    and sent.destination_bytes + ? <= ? and sent.destination_records + ? <= ?
  on conflict (org_id, run_id, destination) do update set
    bytes = egress_counters.bytes + excluded.bytes,
    records = egress_counters.records + excluded.records,
    updated_at = excluded.updated_at
  returning destination, bytes, records`;

/**
 * Adds `amount` to the run's and the destination's counters in one statement, only if all four
 * limits hold afterwards: the check reads the counters inside the statement that writes them,
 * so it is atomic on its own (SQLite takes the write lock when the statement starts). Returns
 * the counters after the charge, or no rows when a limit would be passed (nothing changed).
 */
async function addWithinLimits(
  context: RepositoryContext,
  db: Kysely<Database>,
  charge: Parameters<EgressCounterRepository['charge']>,
): Promise<CounterRow[]> {
  const [orgId, runId, destination, amount, limits, at] = charge;
  return runStatement<CounterRow>(context, db, ADD_WITHIN_LIMITS, [
    destination,
    destination,
    orgId,
    runId,
    destination,
    destination,
    orgId,
    runId,
    amount.bytes,
    amount.records,
    at,
    amount.bytes,
    limits.run.bytes,
    amount.records,
    limits.run.records,
    amount.bytes,
    limits.destination.bytes,
    amount.records,
    limits.destination.records,
  ]);
}

/** Egress counters per run and destination, charged atomically against limits. */
export function egressCounterRepository(context: RepositoryContext): EgressCounterRepository {
  return {
    totals: (orgId, runId, destination) => read(context, context.db, orgId, runId, destination),

    async charge(...charge) {
      const [orgId, runId, destination, amount, limits] = charge;
      if (destination === RUN_TOTAL) throw new RangeError('"*" is not a destination name');
      const add = (db: Kysely<Database>) => addWithinLimits(context, db, charge);
      // SQLite: one statement is one atomic write, with no transaction of its own to commit.
      // PostgreSQL reads a statement's snapshot before it locks a row, so two charges could
      // both pass a limit: there the run's lock is held around the statement.
      const rows =
        context.dialect === 'postgres'
          ? await context.inTransaction(async (transaction) => {
              await lockForOrganisation(context, transaction, 'egress', `${orgId}/${runId}`);
              return add(transaction);
            })
          : await add(context.db);
      if (rows.length > 0) return { ok: true, totals: totalsOf(rows, destination) };
      // Refused, and nothing changed: say which limits (counters only grow, so a read now
      // shows them passed still).
      const totals = await read(context, context.db, orgId, runId, destination);
      return { ok: false, totals, exceeded: exceededBy(totals, amount, limits) };
    },
  };
}

function exceededBy(
  totals: EgressTotals,
  amount: EgressAmount,
  limits: { run: EgressAmount; destination: EgressAmount },
): Extract<EgressCharge, { ok: false }>['exceeded'] {
  const exceeded: Extract<EgressCharge, { ok: false }>['exceeded'] = [];
  if (totals.run.bytes + amount.bytes > limits.run.bytes) exceeded.push('run-bytes');
  if (totals.run.records + amount.records > limits.run.records) exceeded.push('run-records');
  if (totals.destination.bytes + amount.bytes > limits.destination.bytes)
    exceeded.push('destination-bytes');
  if (totals.destination.records + amount.records > limits.destination.records)
    exceeded.push('destination-records');
  return exceeded;
}
