import type { BlobRefRecord, HoldRecord } from '../../store/index.js';
import { AuditError } from '../errors.js';

/**
 * Legal holds: `run ID`, `user U`, or a query such as `type=tool-call-succeeded,agent=itops`
 * whose fields must all match. Hold values come from the CLI or HTTP: they are parsed against
 * a closed list of fields and bounded, never interpreted as SQL or patterns.
 */

const QUERY_FIELDS = ['type', 'tool', 'user', 'agent', 'run', 'after', 'before'] as const;
type QueryField = (typeof QUERY_FIELDS)[number];

/** A parsed query hold: each present field must match. */
export type HoldQuery = Partial<Record<QueryField, string>>;

const VALUE = /^[^\s,=]{1,200}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses `field=value,field=value`; throws 'bad-hold' naming what is wrong. */
export function parseHoldQuery(text: string): HoldQuery {
  if (text.length === 0 || text.length > 1000) {
    throw new AuditError('bad-hold', 'a hold query is 1 to 1000 characters of field=value pairs');
  }
  const query: HoldQuery = {};
  for (const pair of text.split(',')) {
    const [field, value, extra] = pair.split('=');
    if (field === undefined || !(QUERY_FIELDS as readonly string[]).includes(field)) {
      throw new AuditError(
        'bad-hold',
        `unknown hold field "${String(field).slice(0, 40)}"; fields: ${QUERY_FIELDS.join(', ')}`,
      );
    }
    if (value === undefined || extra !== undefined || !VALUE.test(value)) {
      throw new AuditError(
        'bad-hold',
        `hold field ${field} needs one value without spaces, commas or "="`,
      );
    }
    if (
      (field === 'after' || field === 'before') &&
      (!ISO_TIME.test(value) || Number.isNaN(Date.parse(value)))
    ) {
      throw new AuditError('bad-hold', `hold field ${field} needs an ISO 8601 time`);
    }
    if (query[field as QueryField] !== undefined)
      throw new AuditError('bad-hold', `hold field ${field} given twice`);
    query[field as QueryField] = value;
  }
  return query;
}

/** The canonical text of a query (fields in a fixed order), as stored. */
export function formatHoldQuery(query: HoldQuery): string {
  return QUERY_FIELDS.filter((field) => query[field] !== undefined)
    .map((field) => `${field}=${query[field]}`)
    .join(',');
}

/** Checks a run or user hold value; returns it. */
export function checkHoldValue(kind: 'run' | 'user', value: string): string {
  if (!VALUE.test(value))
    throw new AuditError(
      'bad-hold',
      `a ${kind} hold needs one ${kind} id without spaces or commas`,
    );
  return value;
}

/** Whether an active hold covers the entry a blob reference belongs to. */
export function holdCovers(hold: HoldRecord, ref: BlobRefRecord): boolean {
  if (hold.releasedAt !== null) return false;
  switch (hold.kind) {
    case 'run':
      return ref.runId === hold.value;
    case 'user':
      return ref.userId === hold.value;
    case 'query':
      return queryCovers(parseHoldQuery(hold.value), ref);
  }
}

function queryCovers(query: HoldQuery, ref: BlobRefRecord): boolean {
  const time = Date.parse(ref.time);
  return (
    (query.type === undefined || ref.type === query.type) &&
    (query.tool === undefined || ref.tool === query.tool) &&
    (query.user === undefined || ref.userId === query.user) &&
    (query.agent === undefined || ref.agentId === query.agent) &&
    (query.run === undefined || ref.runId === query.run) &&
    (query.after === undefined || time >= Date.parse(query.after)) &&
    (query.before === undefined || time < Date.parse(query.before))
  );
}
