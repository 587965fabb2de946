import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import type { Candidate, Detector } from './detector.js';

// ibantools carries the IBAN registry's per-country lengths and BBAN formats (SWIFT's ISO 13616
// registry, about 80 countries plus the territories that borrow their parent's format): that
// table is the part worth not keeping by hand. It also checks the mod-97 remainder.
const SPECS = getCountrySpecifications();

// A country code, two check digits, then alphanumerics with optional single spaces. The match
// is deliberately greedy; the country's registered length decides where the IBAN ends.
const START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){8,30}/g;

/** Cuts a greedy candidate to the country's length; undefined when it is too short. */
function cut(text: string, start: number, end: number): { value: string; end: number } | undefined {
  const country = text.slice(start, start + 2).toUpperCase();
  const length = SPECS[country]?.chars;
  if (length === undefined || length === null) return undefined;
  let count = 0;
  let position = start;
  while (position < end && count < length) {
    if (text[position] !== ' ') count += 1;
    position += 1;
  }
  if (count < length) return undefined;
  // The IBAN must end at a word boundary, not in the middle of a longer token.
  if (/[A-Za-z0-9]/.test(text[position] ?? '')) return undefined;
  return { value: text.slice(start, position).replace(/ /g, '').toUpperCase(), end: position };
}

/** IBANs: the registered length for the country, its BBAN format and the ISO 13616 mod-97 check. */
export const ibanDetector: Detector = {
  dataClass: 'iban',
  contextWords: ['iban', 'account', 'bank', 'transfer', 'pay', 'payment', 'beneficiary', 'sepa'],
  mayMatch: (text) => /[A-Za-z]{2}\d{2}/.test(text),
  find(text) {
    const found: Candidate[] = [];
    START.lastIndex = 0;
    for (let match = START.exec(text); match !== null; match = START.exec(text)) {
      const candidate = cut(text, match.index, match.index + match[0].length);
      if (candidate === undefined || !isValidIBAN(candidate.value)) {
        // Try again one character on: a greedy miss must not hide an IBAN inside it.
        START.lastIndex = match.index + 1;
        continue;
      }
      found.push({ start: match.index, end: candidate.end, score: 0.95, detector: 'iban-mod97' });
      START.lastIndex = candidate.end;
    }
    return found;
  },
};
