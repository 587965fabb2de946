/**
 * A busy audit writer for the kill -9 test, run as its own process:
 *   node --import tsx src/audit/__fixtures__/crash-append-worker.ts DB NAME KEY.pem WITNESS
 * Keeps four appends in flight (group commit), checkpoints every 25 entries to a file witness,
 * and prints `seq name counter` for each append only after it committed, with a synchronous
 * write, so whatever the parent read before the kill is a promise the log must keep.
 */
import { readFileSync, writeSync } from 'node:fs';
import { openSqliteStore } from '../../store/index.js';
import { AuditLog } from '../audit-log.js';
import { Checkpointer } from '../checkpoint/checkpointer.js';
import { ed25519SignerFromPem } from '../checkpoint/signer.js';
import { createWitness } from '../checkpoint/witness.js';

const [path, name, keyPath, witnessPath] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const store = await openSqliteStore(path);
const log = new AuditLog(store, 'default');
const checkpointer = new Checkpointer({
  store,
  orgId: 'default',
  signer: ed25519SignerFromPem('castellan.test/audit', readFileSync(keyPath, 'utf8')),
  policy: { everyEntries: 25, everySeconds: 3600 },
  witnesses: [createWitness({ kind: 'file', path: witnessPath })],
});
checkpointer.attach(log);
writeSync(1, 'ready\n');

let counter = 0;
async function lane(index: number): Promise<void> {
  for (;;) {
    counter += 1;
    const mine = counter;
    const entry = await log.append({
      type: 'run-status-changed',
      runId: `${name}-${index}`,
      actor: { service: name },
      details: { counter: mine },
      payloads: { preState: { class: 'state', value: { name, counter: mine } } },
    });
    writeSync(1, `${entry.seq} ${name} ${mine}\n`);
  }
}
await Promise.all([0, 1, 2, 3].map(lane));
