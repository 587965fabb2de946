import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, readCorpus } from './__fixtures__/corpus-evaluation.js';
import { buildCorpus, corpusText, CORPUS_PATH } from './__fixtures__/generate-corpus.js';

describe('the synthetic PII corpus', () => {
  it('is what the seeded generator writes, so anyone can regenerate it', () => {
    expect(corpusText(buildCorpus(1500))).toBe(readFileSync(CORPUS_PATH, 'utf8'));
  });

  it('holds true values and near-misses of every class', () => {
    const labels = readCorpus().flatMap((document) => document.labels);
    for (const dataClass of [
      'email',
      'phone',
      'card',
      'iban',
      'us-ssn',
      'uk-nino',
      'ip-address',
      'secret',
    ]) {
      const own = labels.filter((label) => label.dataClass === dataClass);
      expect(own.filter((label) => label.positive).length).toBeGreaterThan(100);
      expect(own.filter((label) => !label.positive).length).toBeGreaterThan(30);
    }
  });

  it('meets the recall and precision targets', () => {
    const scores = evaluate(readCorpus());
    expect(scores.card.recall).toBeGreaterThanOrEqual(0.99);
    expect(scores.iban.recall).toBeGreaterThanOrEqual(0.99);
    expect(scores.email.recall).toBeGreaterThanOrEqual(0.95);
    expect(scores.phone.recall).toBeGreaterThanOrEqual(0.95);
    for (const score of Object.values(scores)) expect(score.precision).toBeGreaterThanOrEqual(0.9);
  });
});
