import { matchAll, type Detector } from './detector.js';

const SSN = /(?<![\w-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w]|-\d)/g;

// Numbers the SSA has published or never issues: they are examples, not people.
const NOT_ISSUED = new Set(['078051120', '219099999', '123456789']);

/**
 * US Social Security numbers (SSA format rules since 2011): area not 000, 666 or 900-999;
 * group not 00; serial not 0000. Dashed numbers score as likely; bare nine digits need context.
 */
export const usSsnDetector: Detector = {
  dataClass: 'us-ssn',
  contextWords: ['ssn', 'social security', 'social', 'security', 'taxpayer', 'tin'],
  mayMatch: (text) => /\d{4}/.test(text),
  find: (text) =>
    matchAll(text, SSN, (match) => {
      const [value, area = '', separator = '', group = '', serial = ''] = match;
      if (area === '000' || area === '666' || area >= '900') return undefined;
      if (group === '00' || serial === '0000' || NOT_ISSUED.has(area + group + serial))
        return undefined;
      const score = separator === '-' ? 0.6 : separator === ' ' ? 0.4 : 0.2;
      return { start: match.index, end: match.index + value.length, score, detector: 'us-ssn' };
    }),
};

// HMRC's rules: the first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U or
// V; the suffix is A-D. Written as `AB123456C` or `AB 12 34 56 C`.
const NINO =
  /(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![A-Za-z0-9])/g;
const NINO_NOT_ALLOCATED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** UK National Insurance numbers: HMRC's prefix and suffix rules. */
export const ukNinoDetector: Detector = {
  dataClass: 'uk-nino',
  contextWords: ['nino', 'national insurance', 'insurance', 'ni number', 'ni no', 'hmrc'],
  mayMatch: (text) => /[A-Z]{2} ?\d{2}/.test(text),
  find: (text) =>
    matchAll(text, NINO, (match) => {
      const prefix = match[1] ?? '';
      if (NINO_NOT_ALLOCATED.has(prefix)) return undefined;
      return {
        start: match.index,
        end: match.index + match[0].length,
        score: 0.7,
        detector: 'uk-nino',
      };
    }),
};
