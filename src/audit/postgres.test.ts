import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type Store } from '../store/index.js';
import { unsafeExecuteForTests } from '../store/testing.js';
import { testKey } from './__fixtures__/audit-harness.js';
import { AuditLog } from './audit-log.js';
import { Checkpointer } from './checkpoint/checkpointer.js';
import { StoredTree } from './merkle/stored-tree.js';
import { fromHex } from './merkle/hashes.js';
import { verifyInclusion } from './merkle/verify-proofs.js';
import { storedEntryLeaf } from './canonical-text.js';
import { verifyLog } from './verify/verify-log.js';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_audit_${randomBytes(6).toString('hex')}`;

describe('the evidence-grade audit log on PostgreSQL', () => {
  let first: Store;
  let second: Store;
  beforeAll(async () => {
    first = await openPostgresStore({ url, schema });
    second = await openPostgresStore({ url, schema });
  });
  afterAll(async () => {
    await second.close();
    await unsafeExecuteForTests(first, `drop schema if exists ${schema} cascade`);
    await first.close();
  });

  it('keeps one order across two connection pools as the writer role, and verifies', async () => {
    const key = testKey();
    const logs = [new AuditLog(first, 'pg-org'), new AuditLog(second, 'pg-org')];
    await Promise.all(
      Array.from({ length: 120 }, (_, index) =>
        logs[index % 2]!.append({
          type: 'run-status-changed',
          runId: `run_${index % 5}`,
          actor: { user: 'operator' },
          details: { index },
          payloads: { preState: { class: 'state', value: { index } } },
        }),
      ),
    );
    const checkpointer = new Checkpointer({
      store: first,
      orgId: 'pg-org',
      signer: key.signer,
      policy: { everyEntries: 1000, everySeconds: 3600 },
    });
    const outcome = await checkpointer.checkpoint();
    expect(outcome?.checkpoint.size).toBe(120);
    const verification = await verifyLog({
      tree: second.auditTree,
      orgId: 'pg-org',
      verifier: key.verifier,
    });
    expect(verification).toMatchObject({ ok: true, entries: 120, checkpoints: 1 });
    const [row] = await first.auditTree.rawRange('pg-org', 77, 1);
    const path = await new StoredTree(first.auditTree, 'pg-org').inclusion(76, 120);
    expect(
      verifyInclusion(
        storedEntryLeaf(row!.text),
        76,
        120,
        path,
        fromHex(outcome!.checkpoint.root)!,
      ),
    ).toBe(true);
    await checkpointer.close();
  });

  it('finds an edited entry once the attacker drops the trigger', async () => {
    const key = testKey();
    const log = new AuditLog(first, 'pg-tamper');
    for (let index = 0; index < 12; index += 1) {
      await log.append({ type: 'run-status-changed', actor: { user: 'u' }, details: { index } });
    }
    await unsafeExecuteForTests(first, 'drop trigger audit_log_no_change on audit_log');
    try {
      await unsafeExecuteForTests(
        first,
        `update audit_log set entry = replace(entry, '"index":7', '"index":8') where org_id = 'pg-tamper' and seq = 8`,
      );
    } finally {
      await unsafeExecuteForTests(
        first,
        `create trigger audit_log_no_change before update or delete on audit_log
         for each row execute function castellan_audit_append_only()`,
      );
    }
    expect(
      await verifyLog({ tree: first.auditTree, orgId: 'pg-tamper', verifier: key.verifier }),
    ).toMatchObject({
      ok: false,
      firstBadSeq: 8,
      code: 'entry-edited',
    });
  });
});
