import type { AuditEntry } from '../audit/index.js';

/** One named event derived from an audit entry, for clients that want a run's story. */
export interface DerivedEvent {
  event: 'model-text' | 'proposed-call' | 'decision' | 'approval' | 'result';
  data: Record<string, unknown>;
}

/**
 * What an audit entry means to someone watching a run: the model's text and the calls it
 * proposed (from `model-called`), the gate's decisions, approvals and results. Each event names
 * the seq of the entry it comes from; the `audit` event with that id stays the record.
 */
export function derivedEvents(entry: AuditEntry): DerivedEvent[] {
  const base = { seq: entry.seq, time: entry.time, stepIndex: entry.stepIndex };
  const details = (entry.details ?? {}) as Record<string, unknown>;
  switch (entry.type) {
    case 'model-called': {
      const events: DerivedEvent[] = [];
      const text = typeof details.text === 'string' ? details.text : '';
      if (text !== '')
        events.push({ event: 'model-text', data: { ...base, text, model: entry.model } });
      const calls = Array.isArray(details.calls)
        ? (details.calls as Array<Record<string, unknown>>)
        : [];
      for (const call of calls) {
        events.push({
          event: 'proposed-call',
          data: {
            ...base,
            tool: call.tool ?? call.name,
            ...(call.args === undefined ? {} : { args: call.args }),
            ...(call.provenance === undefined ? {} : { provenance: call.provenance }),
            ...(call.refused === undefined ? {} : { refused: call.refused }),
          },
        });
      }
      return events;
    }
    case 'plan-deviation-refused':
      return [
        {
          event: 'decision',
          data: { ...base, tool: entry.tool, effect: 'refused', reasons: [details.reason] },
        },
      ];
    case 'tool-call-allowed':
    case 'tool-call-denied':
      return [
        {
          event: 'decision',
          data: {
            ...base,
            tool: entry.tool,
            effect: entry.decision?.effect,
            reasons: entry.decision?.reasons ?? [],
            policyIds: entry.decision?.policyIds ?? [],
          },
        },
      ];
    case 'approval-requested':
    case 'approval-granted':
    case 'approval-denied':
    case 'approval-decision-recorded':
      return [
        {
          event: 'approval',
          data: {
            ...base,
            type: entry.type,
            tool: entry.tool,
            approvalId: details.approvalId,
            approver: entry.approver,
          },
        },
      ];
    case 'tool-call-succeeded':
    case 'tool-call-failed':
      return [
        {
          event: 'result',
          data: {
            ...base,
            tool: entry.tool,
            ok: entry.type === 'tool-call-succeeded',
            resultDigest: entry.resultDigest,
          },
        },
      ];
    default:
      return [];
  }
}
