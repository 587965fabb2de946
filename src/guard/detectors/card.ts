import { matchAll, type Detector } from './detector.js';

// 13-19 digits, optionally in groups separated by one space or dash.
const CARD = /(?<![A-Za-z0-9.,-])\d(?:[ -]?\d){12,18}(?![\d]|[.,-]\d)/g;

// Labels that name a Luhn-carrying number which is not a card (device ids, parcels, orders).
const NOT_A_CARD = /\b(?:imei|tracking|parcel|order|invoice|serial|ref(?:erence)?)\b[\s#:.no]*$/i;

interface Brand {
  name: string;
  /** Inclusive ranges of the leading digits (the IIN prefix), as [low, high] of equal length. */
  prefixes: Array<[string, string]>;
  lengths: number[];
}

// Issuer identification ranges of the schemes that matter in practice (ISO/IEC 7812).
const BRANDS: Brand[] = [
  { name: 'visa', prefixes: [['4', '4']], lengths: [13, 16, 19] },
  {
    name: 'mastercard',
    prefixes: [
      ['51', '55'],
      ['2221', '2720'],
    ],
    lengths: [16],
  },
  {
    name: 'amex',
    prefixes: [
      ['34', '34'],
      ['37', '37'],
    ],
    lengths: [15],
  },
  {
    name: 'discover',
    prefixes: [
      ['6011', '6011'],
      ['644', '649'],
      ['65', '65'],
      ['622126', '622925'],
    ],
    lengths: [16, 17, 18, 19],
  },
  { name: 'jcb', prefixes: [['3528', '3589']], lengths: [16, 17, 18, 19] },
  {
    name: 'diners',
    prefixes: [
      ['300', '305'],
      ['36', '36'],
      ['38', '39'],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: 'unionpay', prefixes: [['62', '62']], lengths: [16, 17, 18, 19] },
  {
    name: 'maestro',
    prefixes: [
      ['5018', '5018'],
      ['5020', '5020'],
      ['5038', '5038'],
      ['5893', '5893'],
      ['6304', '6304'],
      ['6759', '6759'],
      ['6761', '6763'],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  },
  { name: 'mir', prefixes: [['2200', '2204']], lengths: [16, 17, 18, 19] },
];

/** The Luhn (mod 10) check every payment card number carries in its last digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card scheme whose IIN range and length fit the number, if any. */
export function cardBrand(digits: string): string | undefined {
  for (const brand of BRANDS) {
    if (!brand.lengths.includes(digits.length)) continue;
    for (const [low, high] of brand.prefixes) {
      const head = digits.slice(0, low.length);
      if (head >= low && head <= high) return brand.name;
    }
  }
  return undefined;
}

/** Printed groupings: 4-4-4-4(-1..4), 4-6-5 (Amex), 4-6-4 (Diners), or none at all. */
function wellGrouped(value: string): boolean {
  const separators = value.match(/[ -]/g);
  if (separators === null) return true;
  if (new Set(separators).size > 1) return false;
  const groups = value.split(/[ -]/).map((group) => group.length);
  const shape = groups.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  return groups.every((size, index) =>
    index < groups.length - 1 ? size === 4 : size >= 1 && size <= 4,
  );
}

/**
 * Payment card numbers: Luhn-valid, grouped as cards are printed; a number in a known scheme's
 * IIN range scores high, any other Luhn-valid number needs a context word (one random digit
 * string in ten passes Luhn).
 */
export const cardDetector: Detector = {
  dataClass: 'card',
  contextWords: [
    'card',
    'credit',
    'debit',
    'visa',
    'mastercard',
    'amex',
    'cc',
    'pan',
    'payment',
    'expiry',
    'cvv',
  ],
  mayMatch: (text) => /\d{4}/.test(text),
  find: (text) =>
    matchAll(text, CARD, (match) => {
      const value = match[0];
      const digits = value.replace(/[ -]/g, '');
      if (!wellGrouped(value) || !luhnValid(digits) || /^(\d)\1+$/.test(digits)) return undefined;
      if (NOT_A_CARD.test(text.slice(Math.max(0, match.index - 24), match.index))) return undefined;
      const brand = cardBrand(digits);
      return {
        start: match.index,
        end: match.index + value.length,
        score: brand === undefined ? 0.3 : 0.9,
        detector: brand === undefined ? 'card-luhn' : `card-${brand}`,
      };
    }),
};
