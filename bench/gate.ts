/**
 * The gate's own overhead per tool call: resolve, token verification with the revocation
 * lookup, the Cedar decision, the data guard, the approval check, the intent and outcome audit
 * appends (SQLite, WAL) and the result guard, around an in-process connector that does nothing.
 * Baselines measured in the same run: the connector alone, and one bare audit append. Also
 * the gate with the starter set loaded against the packs' generated schema, as the server
 * loads every set (`withPackSchema`). Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { createGateHarness, type GateHarness } from '../src/gate/__fixtures__/gate-harness.js';
import { AuditLog } from '../src/audit/index.js';
import { schemaTools } from '../src/api/policies/policy-runtime.js';
import { generateSchema, PolicyEngine, STARTER_POLICIES } from '../src/policy/index.js';
import { summarise } from './stats.js';

const CALLS = Number(process.argv[2] ?? 3000);
const WARMUP = 300;

/** Milliseconds of each gate call after the warm-up, the same call at successive steps. */
async function gateCalls(harness: GateHarness): Promise<number[]> {
  const request = await harness.request('@test/testkit/echo', { text: 'status please' });
  const samples: number[] = [];
  for (let index = 0; index < WARMUP + CALLS; index += 1) {
    const started = performance.now();
    const outcome = await harness.gate.handle({ ...request, stepIndex: index });
    const elapsed = performance.now() - started;
    if (outcome.outcome !== 'executed')
      throw new Error(`bench call was not executed: ${JSON.stringify(outcome)}`);
    if (index >= WARMUP) samples.push(elapsed);
  }
  return samples;
}

const harness = await createGateHarness();
const gateSamples = await gateCalls(harness);
const totalSeconds = gateSamples.reduce((sum, value) => sum + value, 0) / 1000;

const connectorSamples: number[] = [];
const call = harness.recorder.calls[0];
if (call === undefined) throw new Error('no connector call was recorded');
for (let index = 0; index < CALLS; index += 1) {
  const started = performance.now();
  await harness.recorder.invoke(call);
  connectorSamples.push(performance.now() - started);
}

const audit = new AuditLog(harness.store, 'bench-baseline');
const appendSamples: number[] = [];
for (let index = 0; index < CALLS; index += 1) {
  const started = performance.now();
  await audit.append({
    type: 'run-status-changed',
    actor: { service: 'bench' },
    details: { index },
  });
  appendSamples.push(performance.now() - started);
}
await harness.close();

const withSchema = await createGateHarness({
  policy: (catalog) =>
    PolicyEngine.load(STARTER_POLICIES, 1, { schema: generateSchema(schemaTools(catalog)) }),
});
const schemaSamples = await gateCalls(withSchema);
await withSchema.close();

const gate = summarise(gateSamples);
const schemaGate = summarise(schemaSamples);
const connector = summarise(connectorSamples);
console.log(
  JSON.stringify({
    bench: 'gate',
    calls: CALLS,
    gateOverheadMs: {
      p50: Math.round((gate.p50 - connector.p50) * 1000) / 1000,
      p99: Math.round((gate.p99 - connector.p50) * 1000) / 1000,
    },
    gateWallMs: gate,
    withPackSchema: {
      p50: Math.round((schemaGate.p50 - connector.p50) * 1000) / 1000,
      p99: Math.round((schemaGate.p99 - connector.p50) * 1000) / 1000,
    },
    callsPerSecond: Math.round(CALLS / totalSeconds),
    baseline: { connectorAloneMs: connector, oneAuditAppendMs: summarise(appendSamples) },
    auditAppendsPerCall: 2,
    targets: { p50Ms: 1, p99Ms: 3 },
  }),
);
