// verify's second thread: computes row facts for the texts it is sent (see row-facts.mjs and
// parallel-facts.ts). Plain JavaScript so that it starts without a TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { rowFacts } from './row-facts.mjs';

if (parentPort === null) throw new Error('row-facts-worker.mjs runs as a worker thread');
const port = parentPort;
port.on('message', (message) => {
  const started = performance.now();
  const facts = rowFacts(message.texts, message.parse);
  const ms = performance.now() - started;
  port.postMessage({ id: message.id, facts, ms }, [facts.leaves.buffer, facts.seqs.buffer]);
});
