/**
 * The data guard's accuracy and speed on the synthetic PII corpus: precision and recall per data
 * class, scan throughput over the whole corpus, and, as the baseline from the same run, the first
 * version's secret-only scan over the same text. Also times ibantools' IBAN validation against a
 * bare mod-97, since the guard depends on that package. Prints one JSON line.
 *
 *   npx tsx bench/guard.ts
 */
import { loadavg } from 'node:os';
import { isValidIBAN } from 'ibantools';
import { evaluate, readCorpus } from '../src/guard/__fixtures__/corpus-evaluation.js';
import { findSecretKinds, scanText } from '../src/guard/index.js';
import { percentile } from './stats.js';

const TARGETS = { recall: { card: 0.99, iban: 0.99, email: 0.95, phone: 0.95 }, precision: 0.9 };

function throughput(texts: string[], scan: (text: string) => unknown, rounds: number): number {
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) * rounds;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) for (const text of texts) scan(text);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round((bytes / 1024 / 1024 / seconds) * 100) / 100;
}

function mod97(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of moved) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Median over 50 rounds of the mean time per call, in microseconds. */
function perCallMicros(inputs: string[], check: (text: string) => boolean): number {
  const samples: number[] = [];
  for (let round = 0; round < 50; round += 1) {
    const started = process.hrtime.bigint();
    for (const input of inputs) check(input);
    samples.push(Number(process.hrtime.bigint() - started) / 1e3 / inputs.length);
  }
  return (
    Math.round(
      percentile(
        [...samples].sort((a, b) => a - b),
        0.5,
      ) * 1000,
    ) / 1000
  );
}

const documents = readCorpus();
const texts = documents.map((document) => document.text);
const scores = evaluate(documents);
// Warm up the regular expressions before timing.
throughput(texts, scanText, 1);
const scanMBps = throughput(texts, scanText, 5);
const baselineMBps = throughput(texts, findSecretKinds, 5);
// One long text (documents joined, about 1 MB): the per-call overhead no longer dominates.
const joined = texts.join('\n').repeat(8);
const largeTextMBps = throughput([joined], scanText, 2);
const ibans = documents.flatMap((document) =>
  document.labels
    .filter((label) => label.dataClass === 'iban')
    .map((label) => document.text.slice(label.start, label.end).replace(/ /g, '').toUpperCase()),
);
const meets =
  scores.card.recall >= TARGETS.recall.card &&
  scores.iban.recall >= TARGETS.recall.iban &&
  scores.email.recall >= TARGETS.recall.email &&
  scores.phone.recall >= TARGETS.recall.phone &&
  Object.values(scores).every((score) => score.precision >= TARGETS.precision);

console.log(
  JSON.stringify({
    bench: 'guard',
    documents: documents.length,
    corpusBytes: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0),
    classes: Object.fromEntries(
      Object.entries(scores).map(([name, score]) => [
        name,
        {
          precision: score.precision,
          recall: score.recall,
          tp: score.truePositives,
          fp: score.falsePositives,
          fn: score.falseNegatives,
        },
      ]),
    ),
    scanMBps,
    largeTextMBps,
    baseline: { secretsOnlyMBps: baselineMBps },
    ibanValidation: {
      ibantoolsMicros: perCallMicros(ibans, isValidIBAN),
      bareMod97Micros: perCallMicros(ibans, mod97),
    },
    // Other work on the machine stretches the tail: read p99 with the load it ran under.
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    targets: TARGETS,
    meetsTargets: meets,
  }),
);
