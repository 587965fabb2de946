import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORG, openAuditHarness, type AuditHarness } from '../__fixtures__/audit-harness.js';
import { openCheckpoint } from '../checkpoint/checkpoint-note.js';
import { storedEntryLeaf } from '../canonical-text.js';
import { fromHex } from '../merkle/hashes.js';
import { verifyConsistency, verifyInclusion } from '../merkle/verify-proofs.js';
import { exportLog } from './export-log.js';

type Line = Record<string, any>;

async function collect(lines: AsyncIterable<string>): Promise<Line[]> {
  const result: Line[] = [];
  for await (const line of lines) {
    expect(line.endsWith('\n')).toBe(true);
    result.push(JSON.parse(line) as Line);
  }
  return result;
}

describe('audit export', () => {
  let harness: AuditHarness;
  beforeEach(async () => {
    harness = await openAuditHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('writes jsonl entries with seq, hash and inclusion proofs, and checkpoints with consistency proofs', async () => {
    await harness.append(13);
    await harness.checkpointer.checkpoint();
    await harness.append(20);
    await harness.checkpointer.checkpoint();
    await harness.append(4);
    const lines = await collect(
      exportLog(harness.store.auditTree, ORG, {
        format: 'jsonl',
        verifierKey: harness.verifierKey,
      }),
    );
    expect(lines[0]).toMatchObject({
      type: 'log',
      format: 'castellan-audit-export/1',
      since: 1,
      verifierKey: harness.verifierKey,
    });
    const checkpoints = lines.filter((line) => line.type === 'checkpoint');
    expect(checkpoints.map((line) => line.size)).toEqual([13, 33]);
    const [small, large] = checkpoints.map((line) =>
      openCheckpoint(line.note as string, harness.verifier),
    );
    expect(small?.signed && large?.signed).toBe(true);
    expect(checkpoints[1]?.consistency.from).toBe(13);
    const consistency = (checkpoints[1]?.consistency.path as string[]).map((hex) => fromHex(hex)!);
    expect(verifyConsistency(13, 33, small!.root, large!.root, consistency)).toBe(true);
    const entries = lines.filter((line) => line.type === 'entry');
    expect(entries.map((line) => line.seq)).toEqual(
      Array.from({ length: 37 }, (_, index) => index + 1),
    );
    for (const line of entries) {
      expect(line.entry.seq).toBe(line.seq);
      expect(line.hash).toMatch(/^[0-9a-f]{64}$/);
      if (line.seq > 33) {
        expect(line.proof).toBeNull();
        continue;
      }
      const path = (line.proof.path as string[]).map((hex) => fromHex(hex)!);
      const leaf = storedEntryLeaf(JSON.stringify(line.entry));
      expect(verifyInclusion(leaf, line.seq - 1, 33, path, large!.root)).toBe(true);
    }
  });

  it('writes OCSF 1.9.0 API Activity for tool calls and a Detection Finding for a denial', async () => {
    await harness.log.append({
      type: 'tool-call-succeeded',
      runId: 'run_1',
      stepIndex: 2,
      tool: '@castellan/itops/restart-service',
      actor: { user: 'operator', agent: 'itops-agent' },
      pack: { name: '@castellan/itops', version: '1.0.0', digest: 'sha256:abc' },
      model: { provider: 'anthropic', id: 'claude-x', version: '2026-01' },
      decision: { effect: 'allow', policyIds: ['policy0'], reasons: [] },
    });
    await harness.log.append({
      type: 'tool-call-denied',
      runId: 'run_1',
      tool: '@castellan/itops/restart-service',
      actor: { user: 'operator', agent: 'itops-agent' },
      decision: {
        effect: 'deny',
        policyIds: ['no-prod-restarts'],
        reasons: ['forbidden by policy'],
      },
    });
    await harness.log.append({ type: 'policy-activated', actor: { user: 'secadmin' } });
    const events = await collect(exportLog(harness.store.auditTree, ORG, { format: 'ocsf' }));
    const rows = await harness.store.auditTree.rawRange(ORG, 1, 10);
    expect(events.map((event) => [event.class_uid, event.metadata.sequence])).toEqual([
      [6003, 1],
      [6003, 2],
      [2004, 2],
      [6003, 3],
    ]);
    for (const event of events) {
      expect(event.metadata.version).toBe('1.9.0');
      expect(event.metadata.uid).toBe(rows[event.metadata.sequence - 1]?.hash);
      expect(event.unmapped.castellan).toMatchObject({
        seq: event.metadata.sequence,
        hash: event.metadata.uid,
      });
    }
    expect(events[0]).toMatchObject({
      category_uid: 6,
      type_uid: 600399,
      status_id: 1,
      api: {
        operation: '@castellan/itops/restart-service',
        service: { name: '@castellan/itops', version: '1.0.0' },
      },
      actor: { user: { uid: 'operator' } },
      ai_agent: {
        uid: 'itops-agent',
        ai_model: { model_name: 'claude-x', ai_provider: 'anthropic', version: '2026-01' },
      },
      delegation: { uid: 'run_1' },
      metadata: { profiles: ['ai_operation'], correlation_uid: 'run_1' },
    });
    expect(events[1]).toMatchObject({ status_id: 2, status_detail: 'forbidden by policy' });
    expect(events[2]).toMatchObject({
      class_name: 'Detection Finding',
      type_uid: 200401,
      action_id: 2,
      disposition_id: 2,
      finding_info: {
        title: 'Agent tool call denied: @castellan/itops/restart-service',
        analytic: { uid: 'no-prod-restarts' },
      },
    });
    expect(events[3]).toMatchObject({
      activity_id: 3,
      actor: { user: { uid: 'secadmin' } },
      metadata: { profiles: [] },
    });
  });

  it('follows the log: new entries and checkpoints stream until the export is stopped', async () => {
    await harness.append(3);
    const controller = new AbortController();
    const seen: Line[] = [];
    const reading = (async () => {
      for await (const line of exportLog(harness.store.auditTree, ORG, {
        format: 'jsonl',
        since: 2,
        follow: true,
        pollMs: 20,
        signal: controller.signal,
      })) {
        seen.push(JSON.parse(line) as Line);
      }
    })();
    await expect.poll(() => seen.filter((line) => line.type === 'entry').length).toBe(2);
    await harness.append(2);
    await harness.checkpointer.checkpoint();
    await expect.poll(() => seen.filter((line) => line.type === 'entry').length).toBe(4);
    await expect
      .poll(() => seen.some((line) => line.type === 'checkpoint' && line.size === 5))
      .toBe(true);
    controller.abort();
    await reading;
    expect(seen.filter((line) => line.type === 'entry').map((line) => line.seq)).toEqual([
      2, 3, 4, 5,
    ]);
  });
});
