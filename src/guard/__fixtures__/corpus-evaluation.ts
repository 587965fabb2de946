/** Scores the detectors against the labelled corpus: precision and recall per data class. */
import { readFileSync } from 'node:fs';
import { DATA_CLASSES, type DataClass } from '../data-classes.js';
import { scanText } from '../scan.js';
import { CORPUS_PATH, type CorpusDocument } from './generate-corpus.js';

/** Counts and rates for one data class. */
export interface ClassScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

/** Reads the committed corpus. */
export function readCorpus(path = CORPUS_PATH): CorpusDocument[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as CorpusDocument);
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

/**
 * A finding is a true positive when it overlaps a positive label of its class; any other
 * finding of that class is a false positive (near-misses and unlabelled text alike). A positive
 * label no finding of its class overlaps is a false negative. `misses` collects examples.
 */
export function evaluate(
  documents: CorpusDocument[],
  misses: Array<{ kind: 'fp' | 'fn'; dataClass: DataClass; text: string }> = [],
): Record<DataClass, ClassScore> {
  const counts = Object.fromEntries(
    DATA_CLASSES.map((name) => [name, { tp: 0, fp: 0, fn: 0 }]),
  ) as Record<DataClass, { tp: number; fp: number; fn: number }>;
  for (const document of documents) {
    const findings = scanText(document.text);
    const positives = document.labels.filter((label) => label.positive);
    for (const finding of findings) {
      const hit = positives.some(
        (label) => label.dataClass === finding.dataClass && overlaps(label, finding),
      );
      counts[finding.dataClass][hit ? 'tp' : 'fp'] += 1;
      if (!hit) misses.push({ kind: 'fp', dataClass: finding.dataClass, text: finding.text });
    }
    for (const label of positives) {
      const found = findings.some(
        (finding) => finding.dataClass === label.dataClass && overlaps(label, finding),
      );
      if (!found) {
        counts[label.dataClass].fn += 1;
        misses.push({
          kind: 'fn',
          dataClass: label.dataClass,
          text: document.text.slice(label.start, label.end),
        });
      }
    }
  }
  const rate = (part: number, whole: number) =>
    whole === 0 ? 1 : Math.round((part / whole) * 10000) / 10000;
  return Object.fromEntries(
    DATA_CLASSES.map((name) => {
      const { tp, fp, fn } = counts[name];
      return [
        name,
        {
          truePositives: tp,
          falsePositives: fp,
          falseNegatives: fn,
          precision: rate(tp, tp + fp),
          recall: rate(tp, tp + fn),
        },
      ];
    }),
  ) as Record<DataClass, ClassScore>;
}
