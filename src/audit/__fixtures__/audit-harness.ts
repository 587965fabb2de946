import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../core/index.js';
import { openSqliteStore, type Store } from '../../store/index.js';
import { unsafeExecuteForTests } from '../../store/testing.js';
import { AuditLog } from '../audit-log.js';
import { Checkpointer, type CheckpointPolicy } from '../checkpoint/checkpointer.js';
import {
  formatVerifierKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from '../checkpoint/note.js';
import { ed25519Signer } from '../checkpoint/signer.js';
import type { WitnessPublisher } from '../checkpoint/witness.js';
import type { AuditEvent } from '../entry.js';

export const ORG = 'default';
export const ORIGIN = 'castellan.test/audit';

/** A signer with a fresh Ed25519 key, and its verifier. */
export function testKey(name = ORIGIN): {
  signer: NoteSigner;
  verifier: NoteVerifier;
  verifierKey: string;
} {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = ed25519Signer(name, privateKey);
  const verifierKey = formatVerifierKey(name, signer.publicKey);
  return { signer, verifier: parseVerifierKey(verifierKey), verifierKey };
}

/** A SQLite-backed audit log with a checkpointer, in a folder of its own. */
export interface AuditHarness {
  store: Store;
  log: AuditLog;
  checkpointer: Checkpointer;
  clock: ManualClock;
  signer: NoteSigner;
  verifier: NoteVerifier;
  verifierKey: string;
  folder: string;
  /** Appends `count` events (one after another), returning the last seq. */
  append(count: number, event?: Partial<AuditEvent>): Promise<number>;
  close(): Promise<void>;
}

/** Opens a harness; checkpoints only when a test asks unless `policy` says otherwise. */
export async function openAuditHarness(
  options: { policy?: CheckpointPolicy; witnesses?: WitnessPublisher[]; path?: string } = {},
): Promise<AuditHarness> {
  const folder = mkdtempSync(join(tmpdir(), 'castellan-audit-'));
  const store = await openSqliteStore(options.path ?? join(folder, 'castellan.db'));
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const log = new AuditLog(store, ORG, clock);
  const key = testKey();
  const checkpointer = new Checkpointer({
    store,
    orgId: ORG,
    signer: key.signer,
    policy: options.policy ?? { everyEntries: 1_000_000, everySeconds: 86_400 },
    witnesses: options.witnesses ?? [],
    clock,
  });
  checkpointer.attach(log);
  let counter = 0;
  return {
    store,
    log,
    checkpointer,
    clock,
    ...key,
    folder,
    async append(count, event = {}) {
      let seq = 0;
      for (let index = 0; index < count; index += 1) {
        counter += 1;
        clock.advance(1000);
        const entry = await log.append({
          type: 'tool-call-succeeded',
          runId: `run_${counter % 7}`,
          actor: { user: 'operator', agent: 'itops-agent' },
          tool: '@castellan/itops/restart-service',
          details: { counter },
          ...event,
        });
        seq = entry.seq;
      }
      return seq;
    },
    async close() {
      await checkpointer.close();
      await log.idle();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** An attacker with database access removes every trigger and the fork-refusing index. */
export async function dropProtections(store: Store): Promise<void> {
  const triggers = (await unsafeExecuteForTests(
    store,
    "select name from sqlite_master where type = 'trigger'",
  )) as Array<{ name: string }>;
  for (const trigger of triggers)
    await unsafeExecuteForTests(store, `drop trigger "${trigger.name}"`);
  await unsafeExecuteForTests(store, 'drop index if exists audit_checkpoints_one_per_size');
}
