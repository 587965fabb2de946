import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuditLog,
  Checkpointer,
  ed25519SignerFromPem,
  formatVerifierKey,
  parseVerifierKey,
  readWitnessFile,
  StoredTree,
  storedEntryLeaf,
  fromHex,
  verifyInclusion,
  verifyLog,
} from '../../src/audit/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const WORKER = 'src/audit/__fixtures__/crash-append-worker.ts';
const ROUNDS = 8;
const WRITERS = 3;

interface Reported {
  seq: number;
  name: string;
  counter: number;
}

/** Starts a writer process and collects the appends it reports as committed. */
function startWriter(
  args: string[],
  reported: Reported[],
): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((done, fail) => {
    markReady = done;
    failReady = fail;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') markReady();
      const [seq, name, counter] = line.split(' ');
      if (name !== undefined) reported.push({ seq: Number(seq), name, counter: Number(counter) });
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done, fail) =>
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') return done();
      const error = new Error(`writer exited ${code ?? signal}: ${stderr}`);
      failReady(error);
      fail(error);
    }),
  );
  exited.catch(() => undefined);
  return { child, ready, exited };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('kill -9 during busy appends', () => {
  const folder = mkdtempSync(join(tmpdir(), 'castellan-kill9-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('loses no committed entry and leaves a log that verifies, round after round', async () => {
    const db = join(folder, 'castellan.db');
    const keyPath = join(folder, 'audit.pem');
    const witnessPath = join(folder, 'witness.jsonl');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const signer = ed25519SignerFromPem(
      'castellan.test/audit',
      String(privateKey.export({ format: 'pem', type: 'pkcs8' })),
    );
    const verifier = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
    const reported: Reported[] = [];
    // Migrate once up front: the writers then race on appends, not on creating the schema.
    await (await openSqliteStore(db)).close();

    for (let round = 0; round < ROUNDS; round += 1) {
      const writers = Array.from({ length: WRITERS }, (_, index) =>
        startWriter([db, `w${round}-${index}`, keyPath, witnessPath], reported),
      );
      await Promise.all(writers.map((writer) => writer.ready));
      // Each writer dies at its own random moment while all of them are appending.
      await Promise.all(
        writers.map(async (writer) => {
          await sleep(150 + Math.floor(Math.random() * 600));
          writer.child.kill('SIGKILL');
          await writer.exited;
        }),
      );
    }

    const store = await openSqliteStore(db);
    try {
      expect(reported.length).toBeGreaterThan(ROUNDS * WRITERS * 10);
      // Every append a writer saw committed is in the log, at the seq it was told.
      const rows = new Map(
        (await store.auditTree.rawRange('default', 1, 1_000_000)).map((row) => [row.seq, row]),
      );
      for (const { seq, name, counter } of reported) {
        const entry = JSON.parse(rows.get(seq)?.text ?? 'null') as {
          actor?: { service?: string };
          details?: { counter?: number };
        } | null;
        expect(entry?.actor?.service, `seq ${seq}`).toBe(name);
        expect(entry?.details?.counter, `seq ${seq}`).toBe(counter);
      }
      expect(new Set(reported.map((one) => one.seq)).size).toBe(reported.length);
      // One gapless chain, every checkpoint signed and matching, the witness copy agreeing.
      const verification = await verifyLog({
        tree: store.auditTree,
        orgId: 'default',
        verifier,
        witnessNotes: await readWitnessFile(witnessPath),
      });
      expect(verification).toMatchObject({ ok: true, entries: rows.size });
      expect((verification as { checkpoints: number }).checkpoints).toBeGreaterThan(0);
      // The tree survived too: the log still appends, checkpoints and proves.
      const log = new AuditLog(store, 'default');
      const checkpointer = new Checkpointer({
        store,
        orgId: 'default',
        signer,
        policy: { everyEntries: 1000, everySeconds: 3600 },
      });
      const last = await log.append({ type: 'run-status-changed', actor: { service: 'after' } });
      expect(last.seq).toBe(rows.size + 1);
      const checkpoint = (await checkpointer.checkpoint())!.checkpoint;
      const tree = new StoredTree(store.auditTree, 'default');
      for (const seq of [1, Math.ceil(rows.size / 2), rows.size]) {
        const row = rows.get(seq)!;
        const path = await tree.inclusion(seq - 1, checkpoint.size);
        expect(
          verifyInclusion(
            storedEntryLeaf(row.text),
            seq - 1,
            checkpoint.size,
            path,
            fromHex(checkpoint.root)!,
          ),
        ).toBe(true);
      }
      await checkpointer.close();
    } finally {
      await store.close();
    }
  }, 120_000);
});
