import type { DataClass } from './data-classes.js';
import { cardDetector } from './detectors/card.js';
import type { Candidate, Detector, Finding } from './detectors/detector.js';
import { emailDetector } from './detectors/email.js';
import { ibanDetector } from './detectors/iban.js';
import { ipAddressDetector } from './detectors/ip-address.js';
import { ukNinoDetector, usSsnDetector } from './detectors/national-ids.js';
import { phoneDetector } from './detectors/phone.js';
import { secretDetector } from './detectors/secret.js';

/** Every detector, in the order their findings win a tie. */
export const DETECTORS: readonly Detector[] = [
  secretDetector,
  ibanDetector,
  cardDetector,
  emailDetector,
  usSsnDetector,
  ukNinoDetector,
  phoneDetector,
  ipAddressDetector,
];

/** Findings below this score are dropped. */
export const REPORT_THRESHOLD = 0.5;
// Presidio's context enhancer: a context word within the window lifts a candidate by 0.35.
const CONTEXT_BOOST = 0.35;
const CONTEXT_WINDOW = 48;

/** Finds the data-class values in one text, strongest first where two overlap. */
export function scanText(text: string, classes?: ReadonlySet<DataClass>): Finding[] {
  const scored: Finding[] = [];
  for (const detector of DETECTORS) {
    if (classes !== undefined && !classes.has(detector.dataClass)) continue;
    if (!detector.mayMatch(text)) continue;
    for (const candidate of detector.find(text)) {
      const score = withContext(text, candidate, detector.contextWords);
      if (score < REPORT_THRESHOLD) continue;
      scored.push({
        dataClass: detector.dataClass,
        detector: candidate.detector,
        start: candidate.start,
        end: candidate.end,
        text: text.slice(candidate.start, candidate.end),
        score,
      });
    }
  }
  return resolveOverlaps(scored);
}

function withContext(text: string, candidate: Candidate, words: readonly string[]): number {
  if (words.length === 0 || candidate.score >= 1) return candidate.score;
  const before = text
    .slice(Math.max(0, candidate.start - CONTEXT_WINDOW), candidate.start)
    .toLowerCase();
  const near = words.some((word) => {
    const at = before.lastIndexOf(word);
    if (at < 0) return false;
    // Whole words only: "pay" must not fire inside "paypal", nor "tel" inside "hotel".
    const previous = before[at - 1] ?? ' ';
    const next = before[at + word.length] ?? ' ';
    return !/[a-z0-9]/.test(previous) && !/[a-z0-9]/.test(next);
  });
  return near ? Math.min(1, candidate.score + CONTEXT_BOOST) : candidate.score;
}

// A checksum or a fixed credential prefix is stronger evidence than any context word: where
// such a finding overlaps a pattern-only one (a phone inside a card number), it wins.
function verified(finding: Finding): number {
  const { detector } = finding;
  if (detector === 'iban-mod97' || (detector.startsWith('card-') && detector !== 'card-luhn'))
    return 1;
  return finding.dataClass === 'secret' && detector !== 'secret-entropy' ? 1 : 0;
}

/** Keeps the strongest of overlapping findings (verified first, then score, then length). */
function resolveOverlaps(findings: Finding[]): Finding[] {
  const ranked = [...findings].sort(
    (left, right) =>
      verified(right) - verified(left) ||
      right.score - left.score ||
      right.end - right.start - (left.end - left.start) ||
      left.start - right.start,
  );
  // `kept` stays sorted by start and never overlaps itself, so only the neighbours of the
  // insertion point can clash: a binary search keeps this O(n log n) on long texts.
  const kept: Finding[] = [];
  for (const finding of ranked) {
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((kept[middle] as Finding).start < finding.start) low = middle + 1;
      else high = middle;
    }
    const before = kept[low - 1];
    const after = kept[low];
    if (before !== undefined && before.end > finding.start) continue;
    if (after !== undefined && after.start < finding.end) continue;
    kept.splice(low, 0, finding);
  }
  return kept;
}

/** A finding inside a JSON value, with the path of the string it was found in. */
export interface ValueFinding extends Finding {
  path: string;
}

const MAX_DEPTH = 32;

/**
 * Scans every string (and every long integer) inside a JSON value. Values come from models and
 * tools (attacker-controlled): depth is bounded and nothing is evaluated.
 */
export function scanValue(value: unknown, classes?: ReadonlySet<DataClass>): ValueFinding[] {
  const found: ValueFinding[] = [];
  walk(value, '$', 0, (text, path) => {
    for (const finding of scanText(text, classes)) found.push({ ...finding, path });
  });
  return found;
}

/** Calls `visit` with each string of a JSON value and its path (integers as their digits). */
export function walk(
  value: unknown,
  path: string,
  depth: number,
  visit: (text: string, path: string) => void,
): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') visit(value, path);
  else if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e7)
    visit(String(value), path);
  else if (Array.isArray(value))
    value.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, depth + 1, visit);
  }
}
