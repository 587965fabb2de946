import type { AuditEntry } from '../entry.js';

/**
 * OCSF events for SIEMs, schema 1.9.0: the first release whose `ai_operation` profile carries
 * `ai_agent` (with its `ai_model`) and `delegation`, and whose API Activity class includes the
 * profile. Agent tool calls and control-plane changes map to API Activity (6003); denials also
 * produce a Detection Finding (2004). Every event names the entry's seq (`metadata.sequence`)
 * and hash (`metadata.uid`, and both again under `unmapped.castellan`) so a SIEM copy can be
 * checked against a signed checkpoint.
 */
export const OCSF_VERSION = '1.9.0';

type OcsfEvent = Record<string, unknown>;

const ACTIVITY: Partial<Record<AuditEntry['type'], { id: number; name: string }>> = {
  'run-created': { id: 1, name: 'Create' },
  'token-minted': { id: 1, name: 'Create' },
  'audit-hold-added': { id: 1, name: 'Create' },
  'audit-key-created': { id: 1, name: 'Create' },
  'run-status-changed': { id: 3, name: 'Update' },
  'policy-activated': { id: 3, name: 'Update' },
  'approval-granted': { id: 3, name: 'Update' },
  'approval-denied': { id: 3, name: 'Update' },
  'approval-decision-recorded': { id: 3, name: 'Update' },
  'audit-hold-released': { id: 4, name: 'Delete' },
  'audit-pruned': { id: 4, name: 'Delete' },
};

const DENIALS = new Set<AuditEntry['type']>(['tool-call-denied', 'approval-denied']);

/** The OCSF events for one audit entry (one, or two for a denial). */
export function ocsfEvents(entry: AuditEntry, hash: string): OcsfEvent[] {
  const events = [apiActivity(entry, hash)];
  if (DENIALS.has(entry.type)) events.push(detectionFinding(entry, hash));
  return events;
}

function common(entry: AuditEntry, hash: string, profiles: string[]): OcsfEvent {
  const time = Date.parse(entry.time);
  return {
    time,
    severity_id: DENIALS.has(entry.type) ? 3 : 1,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Castellan', vendor_name: 'Castellan' },
      log_name: 'castellan-audit',
      uid: hash,
      sequence: entry.seq,
      logged_time: time,
      ...(entry.runId === undefined ? {} : { correlation_uid: entry.runId }),
      profiles,
    },
    actor: actorOf(entry),
    unmapped: {
      castellan: {
        seq: entry.seq,
        hash,
        prevHash: entry.prevHash,
        type: entry.type,
        orgId: entry.orgId,
        ...(entry.decision === undefined ? {} : { decision: entry.decision }),
        ...(entry.promptDigest === undefined ? {} : { promptDigest: entry.promptDigest }),
        ...(entry.payloads === undefined ? {} : { payloads: entry.payloads }),
      },
    },
  };
}

function actorOf(entry: AuditEntry): OcsfEvent {
  if (entry.actor.user !== undefined) {
    return { user: { uid: entry.actor.user, name: entry.actor.user, type_id: 1, type: 'User' } };
  }
  return { app_name: entry.actor.service ?? 'castellan' };
}

function aiOperation(entry: AuditEntry): OcsfEvent {
  if (entry.actor.agent === undefined) return {};
  const model =
    entry.model === undefined
      ? {}
      : {
          ai_model: {
            model_name: entry.model.id,
            ai_provider: entry.model.provider,
            version: entry.model.version,
          },
        };
  return {
    ai_agent: {
      uid: entry.actor.agent,
      name: entry.actor.agent,
      type_id: 1,
      type: 'Native',
      ...model,
    },
    // The run is the delegation: one user's authority handed to one agent for one task.
    ...(entry.runId === undefined
      ? {}
      : { delegation: { uid: entry.runId, issuer_uid: 'castellan' } }),
  };
}

function apiActivity(entry: AuditEntry, hash: string): OcsfEvent {
  const activity = ACTIVITY[entry.type] ?? { id: 99, name: 'Other' };
  const ai = aiOperation(entry);
  const failed = DENIALS.has(entry.type) || entry.type === 'tool-call-failed';
  const reasons = entry.decision?.reasons ?? [];
  return {
    ...common(entry, hash, Object.keys(ai).length > 0 ? ['ai_operation'] : []),
    category_uid: 6,
    category_name: 'Application Activity',
    class_uid: 6003,
    class_name: 'API Activity',
    activity_id: activity.id,
    activity_name: activity.id === 99 ? entry.type : activity.name,
    type_uid: 600300 + activity.id,
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    ...(reasons.length === 0 ? {} : { status_detail: reasons.join('; ') }),
    message: `${entry.type}${entry.tool === undefined ? '' : ` ${entry.tool}`}`,
    api: {
      operation: entry.tool ?? entry.type,
      service: {
        name: entry.pack?.name ?? 'castellan',
        ...(entry.pack === undefined ? {} : { version: entry.pack.version }),
      },
      ...(entry.runId === undefined
        ? {}
        : { request: { uid: `${entry.runId}/${entry.stepIndex ?? '-'}` } }),
    },
    src_endpoint: { svc_name: 'castellan-gate' },
    ...(entry.pack === undefined
      ? {}
      : {
          resources: [
            {
              type: 'castellan-pack',
              name: entry.pack.name,
              version: entry.pack.version,
              uid: entry.pack.digest,
            },
          ],
        }),
    ...ai,
  };
}

function detectionFinding(entry: AuditEntry, hash: string): OcsfEvent {
  const reasons = entry.decision?.reasons ?? [];
  const policyIds = entry.decision?.policyIds ?? [];
  return {
    ...common(entry, hash, []),
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    status_id: 1,
    status: 'New',
    action_id: 2,
    action: 'Denied',
    disposition_id: 2,
    disposition: 'Blocked',
    message: `${entry.type}${entry.tool === undefined ? '' : ` ${entry.tool}`}: ${reasons.join('; ') || 'denied'}`,
    finding_info: {
      uid: `castellan:${hash}`,
      title:
        entry.type === 'tool-call-denied'
          ? `Agent tool call denied: ${entry.tool ?? 'unknown tool'}`
          : `Approval denied: ${entry.tool ?? ''}`,
      desc: reasons.join('; ') || 'denied',
      types: ['Policy Denial'],
      analytic: {
        name: 'castellan-gate',
        type_id: 1,
        type: 'Rule',
        ...(policyIds.length === 0 ? {} : { uid: policyIds.join(',') }),
      },
    },
    ...(entry.tool === undefined
      ? {}
      : { resources: [{ type: 'castellan-tool', name: entry.tool }] }),
  };
}
