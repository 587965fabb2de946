import { digitsOf, matchAll, type Candidate, type Detector } from './detector.js';

// ITU-T E.164 country codes in use (1-, 2- and 3-digit). A number written with `+` or `00`
// must start with one of these; the rest of its digits must bring it to 8-15 in all.
const COUNTRY_CODES = new Set(
  (
    '1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 ' +
    '63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 ' +
    '226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 ' +
    '248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 ' +
    '291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 ' +
    '378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 ' +
    '590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 ' +
    '683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 ' +
    '966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998'
  ).split(' '),
);

// International: `+44 20 7946 0958`, `+1 (415) 555-2671`, `0049 30 1234567`.
const INTERNATIONAL = /(?<![\w+])(?:\+|00)[1-9][0-9 ().-]{6,22}[0-9](?![\w])/g;
// North American: `(415) 555-2671`, `415-555-2671`, `415.555.2671`, `4155552671`.
const NANP = /(?<![\w+.-])(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?![\w]|[.-]\d)/g;
// UK national: `020 7946 0958`, `07700 900123`, `0161 496 0000`.
const UK = /(?<![\w+.-])0[1-9]\d{1,3}[ -]?\d{3,4}[ -]?\d{3,4}(?![\w]|[.-]\d)/g;

function international(match: RegExpExecArray): Candidate | undefined {
  const value = match[0];
  const digits = digitsOf(value.startsWith('00') ? value.slice(2) : value);
  if (digits.length < 8 || digits.length > 15) return undefined;
  const code = [1, 2, 3].map((size) => digits.slice(0, size)).find((c) => COUNTRY_CODES.has(c));
  if (code === undefined) return undefined;
  // Separators must group digits, not glue a date or a range: no doubled separators.
  if (/[ .-]{2,}|\)\(/.test(value)) return undefined;
  if (code === '1' && !validNanp(digits.slice(1))) return undefined;
  // `+` is unmistakable; a `00` trunk prefix also starts card fragments and account numbers.
  const score = value.startsWith('+') ? 0.75 : 0.45;
  return { start: match.index, end: match.index + value.length, score, detector: 'phone-e164' };
}

/** NANP rules: area code and exchange start 2-9 and are not N11 service codes. */
function validNanp(ten: string): boolean {
  if (ten.length !== 10) return false;
  const area = ten.slice(0, 3);
  const exchange = ten.slice(3, 6);
  if (!/^[2-9]/.test(area) || !/^[2-9]/.test(exchange)) return false;
  return !/^[2-9]11$/.test(area) && !/^[2-9]11$/.test(exchange);
}

function nanp(match: RegExpExecArray): Candidate | undefined {
  const value = match[0];
  const digits = digitsOf(value);
  if (!validNanp(digits)) return undefined;
  // Ten bare digits are as likely an order number as a phone: low unless context says phone.
  const separated = /[ ().-]/.test(value);
  const consistent = !/\d[.]\d{3}[-]|\d[-]\d{3}[.]/.test(value);
  const score = separated && consistent ? 0.6 : 0.3;
  return { start: match.index, end: match.index + value.length, score, detector: 'phone-nanp' };
}

function uk(match: RegExpExecArray): Candidate | undefined {
  const value = match[0];
  const digits = digitsOf(value);
  // 01/02/03 landlines, 07 mobiles, 08 non-geographic: ten or eleven digits with the 0.
  if (!/^0[1237-8]/.test(digits) || digits.length < 10 || digits.length > 11) return undefined;
  const score = /[ -]/.test(value) ? 0.6 : 0.35;
  return { start: match.index, end: match.index + value.length, score, detector: 'phone-uk' };
}

/** Phone numbers: international (E.164 with a real country code), North American and UK. */
export const phoneDetector: Detector = {
  dataClass: 'phone',
  contextWords: [
    'phone',
    'tel',
    'telephone',
    'call',
    'mobile',
    'cell',
    'fax',
    'sms',
    'whatsapp',
    'ring',
    'contact',
    'reach',
    'dial',
  ],
  mayMatch: (text) => /\d\d/.test(text),
  find: (text) => [
    ...matchAll(text, INTERNATIONAL, international),
    ...matchAll(text, NANP, nanp),
    ...matchAll(text, UK, uk),
  ],
};
