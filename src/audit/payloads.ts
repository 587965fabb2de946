import { canonicalJson, sha256Hex } from '../core/index.js';
import type { BlobRecord, BlobRefRecord } from '../store/index.js';
import type { AuditEntry, AuditEvent, PayloadRef } from './entry.js';

/** An event made ready to append: payloads split off as blobs, everything canonicalisable. */
export interface PreparedEvent {
  /** The entry's own fields, payloads replaced by their refs; seq and chain come later. */
  fields: Omit<AuditEntry, 'seq' | 'time' | 'orgId' | 'prevHash'>;
  blobs: Array<{ name: string; ref: PayloadRef; content: string }>;
}

/**
 * Splits payloads off an event and checks that everything canonicalises, before the event
 * joins a batch: a value that cannot be hashed fails its own append, never its neighbours'.
 */
export function prepareEvent(event: AuditEvent): PreparedEvent {
  const { payloads, ...rest } = event;
  const blobs: PreparedEvent['blobs'] = [];
  const refs: Record<string, PayloadRef> = {};
  for (const [name, payload] of Object.entries(payloads ?? {})) {
    if (payload === undefined || payload.value === undefined) continue;
    const content = canonicalJson(payload.value);
    const ref: PayloadRef = {
      // digestOf(value) is exactly this; the canonical text is at hand already.
      digest: `sha256:${sha256Hex(content)}`,
      class: payload.class,
      bytes: Buffer.byteLength(content),
    };
    refs[name] = ref;
    blobs.push({ name, ref, content });
  }
  // The JSON round trip drops undefined fields (so the stored and the hashed value are the
  // same) and throws here, for this event alone, on anything JSON cannot hold (a bigint, a
  // cycle); what it returns is plain JSON, which canonicalises without fail.
  const fields = JSON.parse(JSON.stringify(rest)) as PreparedEvent['fields'];
  if (blobs.length > 0) fields.payloads = refs;
  return { fields, blobs };
}

/** The blob rows and reference rows for one appended entry. */
export function blobRows(
  entry: AuditEntry,
  blobs: PreparedEvent['blobs'],
): { blobs: BlobRecord[]; refs: BlobRefRecord[] } {
  return {
    blobs: blobs.map(({ ref, content }) => ({
      orgId: entry.orgId,
      digest: ref.digest,
      class: ref.class,
      content,
      bytes: ref.bytes,
      createdAt: entry.time,
      prunedAt: null,
    })),
    refs: blobs.map(({ name, ref }) => ({
      orgId: entry.orgId,
      seq: entry.seq,
      name,
      digest: ref.digest,
      runId: entry.runId ?? null,
      userId: entry.actor.user ?? null,
      agentId: entry.actor.agent ?? null,
      type: entry.type,
      tool: entry.tool ?? null,
      time: entry.time,
    })),
  };
}
