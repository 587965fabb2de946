import type { DataClass } from '../data-classes.js';

/** One value the guard found in a text, with how sure it is. */
export interface Finding {
  dataClass: DataClass;
  /** Which detector found it, e.g. `card-luhn`, `aws-access-key`, `secret-entropy`. */
  detector: string;
  /** Offsets into the scanned text (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
  /** The matched text as it appears. */
  text: string;
  /** Confidence from 0 to 1 after validation and context words. */
  score: number;
}

/** A candidate a pattern produced and a validator accepted, before context words. */
export interface Candidate {
  start: number;
  end: number;
  score: number;
  detector: string;
}

/**
 * A detector in the Presidio manner: a pattern proposes candidates, a validator confirms or
 * drops each one (a checksum, a format rule), and context words near a candidate raise its
 * score. `find` does the first two; the scanner applies context words and the threshold.
 */
export interface Detector {
  readonly dataClass: DataClass;
  /** Words that, shortly before a candidate, make it more likely to be what it looks like. */
  readonly contextWords: readonly string[];
  /** A cheap test that lets the scanner skip the detector for most texts. */
  mayMatch(text: string): boolean;
  find(text: string): Candidate[];
}

/** Runs a global regular expression over a text and maps each match through `accept`. */
export function matchAll(
  text: string,
  pattern: RegExp,
  accept: (match: RegExpExecArray) => Candidate | undefined,
): Candidate[] {
  const found: Candidate[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex += 1;
      continue;
    }
    const candidate = accept(match);
    if (candidate !== undefined) found.push(candidate);
  }
  return found;
}

/** The digits of a text, without separators. */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}
