/**
 * The evidence-grade audit log on SQLite (WAL), in one process. Prints one JSON line:
 *  - durable appends/s with 1 writer and with 8 concurrent writers (group commit), each entry
 *    with a state blob (and, for NORMAL, without), under
 *    synchronous=NORMAL and synchronous=FULL. "Durable" = the append's promise resolves only
 *    after its transaction committed: with NORMAL a commit survives a crash of the process
 *    (kill -9) but the last commits before a power loss or OS crash may roll back (WAL is
 *    synced at checkpoints); with FULL each commit also waits for fsync of the WAL, so it
 *    survives power loss too.
 *  - baseline in the same run: the bare store append (hash chain only: no tree, no blobs, no
 *    group commit), one writer.
 *  - verify throughput (entries/s) over 100,000 entries (median of three passes after one
 *    untimed warm-up pass); checkpoint time; proof size and time
 *    (inclusion and consistency) at 1,000,000 entries.
 * Usage: npx tsx bench/audit.ts [entriesForProofs=1000000]
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AuditLog,
  Checkpointer,
  ed25519Signer,
  formatVerifierKey,
  GENESIS_HASH,
  parseVerifierKey,
  StoredTree,
  verifyLog,
  type AuditEvent,
} from '../src/audit/index.js';
import { canonicalJson, sha256Hex } from '../src/core/index.js';
import { openSqliteStore, type Store } from '../src/store/index.js';
import { unsafeExecuteForTests } from '../src/store/testing.js';
import { summarise } from './stats.js';

const PROOF_ENTRIES = Number(process.argv[2] ?? 1_000_000);
const APPENDS = 4000;
const VERIFY_ENTRIES = 100_000;
const ORG = 'default';
const folder = mkdtempSync(join(tmpdir(), 'castellan-bench-audit-'));
const { privateKey } = generateKeyPairSync('ed25519');
const signer = ed25519Signer('bench.castellan/audit', privateKey);
const verifier = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));

// A tool-call intent of a realistic size (~700 bytes of canonical JSON), with a state payload.
function event(index: number): AuditEvent {
  return {
    type: 'tool-call-allowed',
    runId: `run_${index % 997}`,
    stepIndex: index % 17,
    actor: { user: 'operator', agent: 'itops-agent' },
    tool: '@castellan/itops/restart-service',
    pack: { name: '@castellan/itops', version: '1.0.0', digest: `sha256:${'a'.repeat(64)}` },
    args: { service: 'payments', reason: 'pool leak' },
    promptDigest: `sha256:${'b'.repeat(64)}`,
    decision: {
      effect: 'allow',
      policyIds: ['policy0', 'restart-needs-approval'],
      policyVersion: 3,
      reasons: [],
      stages: [
        { stage: 'resolve', ok: true, detail: { pack: '@castellan/itops' } },
        { stage: 'authorize', ok: true, detail: { scopes: ['itops:service.restart'] } },
        { stage: 'policy', ok: true, detail: { policyIds: ['policy0'] } },
      ],
    },
    approver: 'approver',
    payloads: {
      preState: {
        class: 'state',
        value: { service: 'payments', healthy: index % 2 === 0, pid: index },
      },
    },
  };
}

async function fresh(name: string, synchronous: 'NORMAL' | 'FULL'): Promise<Store> {
  const store = await openSqliteStore(join(folder, `${name}.db`));
  await unsafeExecuteForTests(store, `pragma synchronous = ${synchronous}`);
  return store;
}

/**
 * `writers` loops, each awaiting its own appends: group commit shares their transactions.
 * With `payload`, each entry also stores a state blob (as a write tool's intent does).
 */
async function appendRate(synchronous: 'NORMAL' | 'FULL', writers: number, payload = true) {
  const store = await fresh(`appends-${synchronous}-${writers}-${payload}`, synchronous);
  const log = new AuditLog(store, ORG);
  const make = (index: number) =>
    payload ? event(index) : { ...event(index), payloads: undefined };
  for (let index = 0; index < 200; index += 1) await log.append(make(index)); // warm-up
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < APPENDS) {
        next += 1;
        const begin = performance.now();
        await log.append(make(next));
        samples.push(performance.now() - begin);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { appendsPerSecond: Math.round(APPENDS / seconds), latencyMs: summarise(samples) };
}

/** The store's bare append: the hash chain alone, one transaction per entry, one writer. */
async function baselineRate() {
  const store = await fresh('baseline', 'NORMAL');
  const samples: number[] = [];
  const started = performance.now();
  for (let index = 0; index < APPENDS; index += 1) {
    const begin = performance.now();
    await store.audit.append(ORG, (tail) => {
      const entry = {
        ...event(index),
        payloads: undefined,
        seq: (tail?.seq ?? 0) + 1,
        prevHash: tail?.hash ?? GENESIS_HASH,
      };
      const text = canonicalJson(entry);
      return {
        orgId: ORG,
        seq: entry.seq,
        entry: JSON.parse(text),
        prevHash: entry.prevHash,
        hash: sha256Hex(text),
      };
    });
    samples.push(performance.now() - begin);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { appendsPerSecond: Math.round(APPENDS / seconds), latencyMs: summarise(samples) };
}

/**
 * Fills a log fast (many appends in flight, 1000 per transaction), checkpointing as it goes.
 * Without payloads unless asked: the tree and proofs do not depend on them, and a million
 * unique state blobs only make the file (and the fill) several times larger.
 */
async function fill(
  store: Store,
  count: number,
  every: number,
  payloads = false,
): Promise<Checkpointer> {
  const log = new AuditLog(store, ORG, undefined, { maxBatch: 1000 });
  const checkpointer = new Checkpointer({
    store,
    orgId: ORG,
    signer,
    policy: { everyEntries: every, everySeconds: 86_400 },
  });
  for (let written = 0; written < count; written += 5000) {
    const size = Math.min(5000, count - written);
    await Promise.all(
      Array.from({ length: size }, (_, index) => {
        const next = event(written + index);
        return log.append(payloads ? next : { ...next, payloads: undefined });
      }),
    );
    if ((written + size) % every === 0) await checkpointer.checkpoint();
  }
  return checkpointer;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round((performance.now() - started) * 1000) / 1000 };
}

const baseline = await baselineRate();
const normal1 = await appendRate('NORMAL', 1);
const normal8 = await appendRate('NORMAL', 8);
const full1 = await appendRate('FULL', 1);
const full8 = await appendRate('FULL', 8);
const bare1 = await appendRate('NORMAL', 1, false);
const bare8 = await appendRate('NORMAL', 8, false);

const verifyStore = await fresh('verify', 'NORMAL');
const verifyCheckpointer = await fill(verifyStore, VERIFY_ENTRIES, 10_000, true);
// One untimed pass first (compiling the verifier's code, like the appends' warm-up), then three
// timed passes over the same log; the figure is their median, and all three are printed.
const verifyRuns: number[] = [];
for (let run = 0; run < 4; run += 1) {
  const verification = await timed(() =>
    verifyLog({ tree: verifyStore.auditTree, orgId: ORG, verifier }),
  );
  if (!verification.value.ok)
    throw new Error(`bench log did not verify: ${JSON.stringify(verification.value)}`);
  if (run > 0) verifyRuns.push(verification.ms);
}
const verifyMs = [...verifyRuns].sort((left, right) => left - right)[1]!;
await verifyCheckpointer.close();
await verifyStore.close();

const proofStore = await fresh('proofs', 'NORMAL');
const filling = await timed(() => fill(proofStore, PROOF_ENTRIES, PROOF_ENTRIES));
const proofCheckpointer = filling.value;
const log = new AuditLog(proofStore, ORG);
await log.append(event(PROOF_ENTRIES)); // one more, so the checkpoint below has work to do
const checkpointTimes: number[] = [];
for (let round = 0; round < 20; round += 1) {
  await log.append(event(PROOF_ENTRIES + round + 1));
  checkpointTimes.push((await timed(() => proofCheckpointer.checkpoint())).ms);
}
const size = (await proofStore.auditTree.latestCheckpoint(ORG))!.size;
const tree = new StoredTree(proofStore.auditTree, ORG);
const inclusionTimes: number[] = [];
const consistencyTimes: number[] = [];
let proofHashes = 0;
let consistencyHashes = 0;
for (let round = 0; round < 2000; round += 1) {
  const index = Math.floor(Math.random() * size);
  const proof = await timed(() => tree.inclusion(index, size));
  inclusionTimes.push(proof.ms);
  proofHashes = Math.max(proofHashes, proof.value.length);
  const first = 1 + Math.floor(Math.random() * (size - 1));
  const consistency = await timed(() => tree.consistency(first, size));
  consistencyTimes.push(consistency.ms);
  consistencyHashes = Math.max(consistencyHashes, consistency.value.length);
}
await proofCheckpointer.close();
await proofStore.close();
rmSync(folder, { recursive: true, force: true });

const inclusion = summarise(inclusionTimes.slice(100));
console.log(
  JSON.stringify({
    bench: 'audit',
    store: 'sqlite-wal',
    entries:
      'normal and full: every entry with a state blob; normalNoPayload: entries without payloads',
    durableAppendsPerSecond: {
      normal: { writers1: normal1.appendsPerSecond, writers8: normal8.appendsPerSecond },
      full: { writers1: full1.appendsPerSecond, writers8: full8.appendsPerSecond },
      normalNoPayload: { writers1: bare1.appendsPerSecond, writers8: bare8.appendsPerSecond },
    },
    appendLatencyMs: {
      normal1: normal1.latencyMs,
      normal8: normal8.latencyMs,
      full1: full1.latencyMs,
      full8: full8.latencyMs,
    },
    baseline: { bareChainAppendNormal1: baseline },
    verify: {
      entries: VERIFY_ENTRIES,
      ms: Math.round(verifyMs),
      entriesPerSecond: Math.round(VERIFY_ENTRIES / (verifyMs / 1000)),
      runsEntriesPerSecond: verifyRuns.map((ms) => Math.round(VERIFY_ENTRIES / (ms / 1000))),
    },
    proofs: {
      treeSize: size,
      fillSeconds: Math.round(filling.ms / 100) / 10,
      inclusionMs: inclusion,
      inclusionBytes: proofHashes * 32,
      consistencyMs: summarise(consistencyTimes.slice(100)),
      consistencyBytes: consistencyHashes * 32,
    },
    checkpointMs: summarise(checkpointTimes),
    targets: { durableAppendsPerSecond: 10_000, verifyEntriesPerSecond: 100_000, proofMs: 1 },
  }),
);
