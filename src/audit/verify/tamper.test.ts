import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unsafeExecuteForTests } from '../../store/testing.js';
import {
  dropProtections,
  ORG,
  openAuditHarness,
  testKey,
  type AuditHarness,
} from '../__fixtures__/audit-harness.js';
import {
  hashOf,
  insertRow,
  readRow,
  rewriteAndRechain,
  shiftFrom,
  writeExport,
  writeRow,
} from '../__fixtures__/tamper.js';
import { signCheckpoint } from '../checkpoint/checkpoint-note.js';
import { createWitness, readWitnessFile } from '../checkpoint/witness.js';
import { fromHex, leafHash, toHex } from '../merkle/hashes.js';
import type { LogVerification } from './verification.js';
import { runAuditorTool } from '../../../test/support/auditor-tool.js';
import { verifyLog } from './verify-log.js';

const TOTAL = 65;

/**
 * One case per kind of tampering an attacker with database access can do (they drop the
 * append-only triggers first). Each is found by `audit verify` with the right seq and reason,
 * and the auditor's standalone verifier, run on an export of the same database, agrees.
 */
describe('the tamper suite', () => {
  let harness: AuditHarness;
  let witnessPath: string;

  beforeEach(async () => {
    const folder = (await import('node:fs')).mkdtempSync(
      join((await import('node:os')).tmpdir(), 'tamper-'),
    );
    witnessPath = join(folder, 'witness.jsonl');
    harness = await openAuditHarness({
      witnesses: [createWitness({ kind: 'file', path: witnessPath })],
    });
    for (let size = 10; size <= 60; size += 10) {
      await harness.append(10);
      await harness.checkpointer.checkpoint();
    }
    await harness.append(TOTAL - 60);
    await dropProtections(harness.store);
  });
  afterEach(async () => {
    await harness.close();
  });

  async function verifyBoth(witness = false): Promise<LogVerification> {
    const product = await verifyLog({
      tree: harness.store.auditTree,
      orgId: ORG,
      verifier: harness.verifier,
      ...(witness ? { witnessNotes: await readWitnessFile(witnessPath) } : {}),
    });
    const exportPath = join(harness.folder, 'export.jsonl');
    await writeExport(harness.store, exportPath);
    const tool = await runAuditorTool(
      exportPath,
      harness.verifierKey,
      witness ? witnessPath : undefined,
    );
    const pick = (result: Record<string, unknown>) => ({
      ok: result['ok'],
      firstBadSeq: result['firstBadSeq'],
      lastBadSeq: result['lastBadSeq'],
      code: result['code'],
    });
    expect(pick(tool.result), 'the standalone verifier agrees').toEqual(
      pick(product as unknown as Record<string, unknown>),
    );
    expect(tool.code).toBe(product.ok ? 0 : 1);
    return product;
  }

  it('verifies the untouched log, with and without the witness copy', async () => {
    expect(await verifyBoth()).toMatchObject({ ok: true, entries: TOTAL, checkpoints: 6 });
    expect(await verifyBoth(true)).toMatchObject({ ok: true, witnessed: 6 });
  });

  it('finds an edited entry at its seq', async () => {
    const row = await readRow(harness.store, 23);
    await writeRow(harness.store, 23, {
      ...row,
      entry: { ...row.entry, details: { counter: 999 } },
    });
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 23,
      check: 'chain',
      code: 'entry-edited',
    });
  });

  it('finds a deleted entry as a gap at its seq', async () => {
    await unsafeExecuteForTests(harness.store, 'delete from audit_log where seq = 23');
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 23,
      check: 'seq',
      code: 'seq-gap',
    });
  });

  it('finds a truncated tail behind a stored checkpoint', async () => {
    await unsafeExecuteForTests(harness.store, 'delete from audit_log where seq > 55');
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 56,
      lastBadSeq: 60,
      check: 'truncation',
      code: 'truncated',
    });
  });

  it('finds an inserted entry at its seq, even one that chains correctly', async () => {
    const previous = await readRow(harness.store, 22);
    await shiftFrom(harness.store, 23);
    const entry = {
      ...previous.entry,
      seq: 23,
      prevHash: previous.hash,
      details: { forged: true },
    };
    await insertRow(harness.store, 23, { entry, prevHash: previous.hash, hash: hashOf(entry) });
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 23,
      check: 'chain',
      code: 'inserted',
    });
  });

  it('finds two reordered entries at the first of them', async () => {
    await unsafeExecuteForTests(harness.store, 'update audit_log set seq = -1 where seq = 23');
    await unsafeExecuteForTests(harness.store, 'update audit_log set seq = 23 where seq = 24');
    await unsafeExecuteForTests(harness.store, 'update audit_log set seq = 24 where seq = -1');
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 23,
      check: 'seq',
      code: 'reordered',
    });
  });

  it('finds a duplicated entry at the copy', async () => {
    const row = await readRow(harness.store, 23);
    await shiftFrom(harness.store, 24);
    await insertRow(harness.store, 24, row);
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 24,
      check: 'seq',
      code: 'duplicate',
    });
  });

  it('catches a rewritten and re-chained history with the signed checkpoint that covers it', async () => {
    await rewriteAndRechain(harness.store, 23, TOTAL);
    // The chain itself holds again; only the signed root names the range the rewrite is in.
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 21,
      lastBadSeq: 30,
      check: 'merkle-root',
      code: 'root-mismatch',
    });
  });

  it('finds a checkpoint signed by a key other than the instance key', async () => {
    const attacker = testKey(harness.signer.name);
    const stored = (await harness.store.auditTree.checkpoints(ORG)).find((one) => one.size === 30)!;
    const forged = await signCheckpoint(
      { origin: harness.signer.name, size: 30, root: fromHex(stored.root)! },
      attacker.signer,
    );
    await unsafeExecuteForTests(
      harness.store,
      `update audit_checkpoints set note = '${forged}' where size = 30`,
    );
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 30,
      check: 'checkpoint-signature',
      code: 'signature-invalid',
    });
  });

  it('finds a fork: two signed checkpoints of one size with different roots', async () => {
    const root = leafHash('another history');
    const note = await signCheckpoint(
      { origin: harness.signer.name, size: 40, root },
      harness.signer,
    );
    await unsafeExecuteForTests(
      harness.store,
      `insert into audit_checkpoints (org_id, size, root, note, created_at) values ('default', 40, '${toHex(root)}', '${note}', '2027-01-01T00:00:00.000Z')`,
    );
    expect(await verifyBoth()).toMatchObject({
      ok: false,
      firstBadSeq: 40,
      check: 'fork',
      code: 'fork',
    });
  });

  it('finds a rollback behind a witness that the database alone cannot show', async () => {
    await unsafeExecuteForTests(harness.store, 'delete from audit_log where seq > 40');
    await unsafeExecuteForTests(harness.store, 'delete from audit_checkpoints where size > 40');
    await unsafeExecuteForTests(
      harness.store,
      'delete from audit_tree where (idx + 1) * (1 << level) > 40',
    );
    expect(await verifyBoth()).toMatchObject({ ok: true, entries: 40 });
    expect(await verifyBoth(true)).toMatchObject({
      ok: false,
      firstBadSeq: 41,
      lastBadSeq: 60,
      check: 'witness',
      code: 'witness-rollback',
    });
  });

  it('finds a rollback that grew a different history past the witness', async () => {
    await unsafeExecuteForTests(harness.store, 'delete from audit_log where seq > 40');
    await unsafeExecuteForTests(harness.store, 'delete from audit_checkpoints where size > 40');
    await unsafeExecuteForTests(
      harness.store,
      'delete from audit_tree where (idx + 1) * (1 << level) > 40',
    );
    await harness.append(30, { details: { regrown: true } });
    await harness.checkpointer.checkpoint();
    expect(await verifyBoth()).toMatchObject({ ok: true, entries: 70 });
    expect(await verifyBoth(true)).toMatchObject({
      ok: false,
      firstBadSeq: 41,
      lastBadSeq: 50,
      check: 'witness',
      code: 'witness-fork',
    });
  });
});
