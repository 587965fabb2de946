/**
 * Generators of labelled values for the synthetic PII corpus: each makes a true value of its
 * data class or a realistic near-miss (a broken checksum, a reserved prefix, a look-alike).
 * Everything is drawn from a seeded generator so the corpus is the same on every machine.
 */
import { composeIBAN, isValidIBAN } from 'ibantools';
import { luhnValid } from '../detectors/card.js';

/** A small seeded PRNG (mulberry32): fast, and stable across Node versions. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  digits(count: number): string {
    let text = '';
    for (let index = 0; index < count; index += 1) text += String(this.int(0, 9));
    return text;
  }
  chars(count: number, alphabet: string): string {
    let text = '';
    for (let index = 0; index < count; index += 1)
      text += alphabet[this.int(0, alphabet.length - 1)];
    return text;
  }
}

const FIRST = [
  'jane',
  'omar',
  'li',
  'maria',
  'tom',
  'aisha',
  'pieter',
  'sofia',
  'raj',
  'eve',
  'noah',
  'zoe',
];
const LAST = [
  'doe',
  'haddad',
  'wei',
  'garcia',
  'smith',
  'khan',
  'devries',
  'rossi',
  'patel',
  'novak',
];
const DOMAINS = [
  'example.com',
  'mail.example.org',
  'corp-mail.io',
  'example.co.uk',
  'acme.de',
  'post.example.net',
];

/** A labelled value: true for the class, or a near-miss that must not be reported as it. */
export interface Generated {
  value: string;
  positive: boolean;
}

export function email(random: Random): Generated {
  if (random.next() < 0.3) {
    const misses = [
      `${random.pick(FIRST)}@localhost`,
      `${random.pick(FIRST)}@intranet`,
      `icon@2x.png`,
      `${random.pick(FIRST)} at ${random.pick(DOMAINS).replace('.', ' dot ')}`,
      `@${random.pick(FIRST)}${random.int(1, 99)}`,
      `${random.pick(FIRST)}@@${random.pick(DOMAINS)}`,
    ];
    return { value: random.pick(misses), positive: false };
  }
  const separator = random.pick(['.', '_', '-', '']);
  let local = `${random.pick(FIRST)}${separator}${random.pick(LAST)}`;
  if (random.next() < 0.05) local = `o'${random.pick(LAST)}`;
  if (random.next() < 0.2) local += `+${random.pick(['news', 'billing', 'x1'])}`;
  if (random.next() < 0.2) local += String(random.int(1, 999));
  const address = `${local}@${random.pick(DOMAINS)}`;
  return { value: random.next() < 0.1 ? address.toUpperCase() : address, positive: true };
}

export function phone(random: Random): Generated {
  if (random.next() < 0.3) {
    const misses = [
      `${random.int(2019, 2026)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
      `ISBN 978-${random.int(0, 9)}-${random.digits(2)}-${random.digits(6)}-${random.int(0, 9)}`,
      `+1 (0${random.digits(2)}) ${random.digits(3)}-${random.digits(4)}`,
      `${random.int(1, 9)}.${random.int(0, 20)}.${random.int(0, 99)}`,
      `${random.int(1, 999)},${random.digits(3)},${random.digits(3)}.${random.digits(2)}`,
      `${random.int(10, 23)}:${random.digits(2)}:${random.digits(2)}`,
      `+999 ${random.digits(3)} ${random.digits(4)}`,
      `#${random.digits(6)}`,
    ];
    return { value: random.pick(misses), positive: false };
  }
  const area = `${random.int(2, 9)}${random.int(0, 9)}${random.int(2, 9)}`;
  let exchange = `${random.int(2, 9)}${random.digits(2)}`;
  if (exchange.endsWith('11')) exchange = `${exchange[0]}12`;
  const line = random.digits(4);
  const forms = [
    `+1 (${area}) ${exchange}-${line}`,
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `+44 20 7946 ${random.digits(4)}`,
    `+44 7700 ${random.digits(6)}`,
    `020 7946 ${random.digits(4)}`,
    `07700 ${random.digits(6)}`,
    `+49 30 ${random.digits(7)}`,
    `+33 1 ${random.digits(2)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)}`,
    `0049 89 ${random.digits(6)}`,
    `+31 20 ${random.digits(3)} ${random.digits(4)}`,
    `+44 (0)20 7946 ${random.digits(4)}`,
    `+1-${area}-${exchange}-${line}`,
    `+61 4${random.digits(2)} ${random.digits(3)} ${random.digits(3)}`,
  ];
  return { value: random.pick(forms), positive: true };
}

function withLuhn(prefix: string, length: number, random: Random): string {
  let body = prefix + random.digits(length - prefix.length - 1);
  for (let check = 0; check < 10; check += 1) {
    if (luhnValid(body + check)) return body + check;
  }
  return body + '0';
}

function groupCard(digits: string, random: Random): string {
  const separator = random.pick([' ', '-', '', ' ']);
  if (separator === '') return digits;
  if (digits.length === 15)
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(separator);
  if (digits.length === 14)
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(separator);
  return digits.match(/.{1,4}/g)?.join(separator) ?? digits;
}

export function card(random: Random): Generated {
  const brands: Array<[string, number]> = [
    ['4', 16],
    [String(random.int(51, 55)), 16],
    [String(random.int(2221, 2720)), 16],
    [random.pick(['34', '37']), 15],
    ['6011', 16],
    [String(random.int(3528, 3589)), 16],
    [random.pick(['36', '38']), 14],
    ['62', 16],
  ];
  const [prefix, length] = random.pick(brands);
  const valid = withLuhn(prefix, length, random);
  if (random.next() < 0.35) {
    const misses = [
      // One digit off: fails Luhn.
      valid.slice(0, -1) + String((Number(valid.at(-1)) + random.int(1, 9)) % 10),
      '0000 0000 0000 0000',
      `IMEI ${withLuhn('35', 15, random)}`,
      `tracking ${random.digits(12)}`,
      `${random.digits(4)} ${random.digits(4)} ${random.digits(4)}`,
    ];
    const value = random.pick(misses);
    if (/^\d+$/.test(value) && luhnValid(value))
      return { value: value.slice(0, -1) + '#', positive: false };
    return { value: /^\d{13,19}$/.test(value) ? groupCard(value, random) : value, positive: false };
  }
  return { value: groupCard(valid, random), positive: true };
}

const BBAN: Record<string, (random: Random) => string> = {
  DE: (random) => random.digits(18),
  GB: (random) => random.pick(['NWBK', 'WEST', 'BARC', 'MIDL']) + random.digits(14),
  NL: (random) => random.pick(['ABNA', 'RABO', 'INGB']) + random.digits(10),
  AT: (random) => random.digits(16),
  CH: (random) => random.digits(17),
  ES: (random) => random.digits(20),
  IT: (random) => random.chars(1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + random.digits(22),
  PL: (random) => random.digits(24),
  SE: (random) => random.digits(20),
  IE: (random) => random.pick(['AIBK', 'BOFI']) + random.digits(14),
};

function validIban(random: Random): string {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const countryCode = random.pick(Object.keys(BBAN));
    const iban = composeIBAN({ countryCode, bban: BBAN[countryCode]?.(random) ?? '' });
    if (iban !== null && isValidIBAN(iban)) return iban;
  }
  return 'DE89370400440532013000';
}

export function iban(random: Random): Generated {
  const valid = validIban(random);
  const printed = (text: string) =>
    random.next() < 0.5 ? (text.match(/.{1,4}/g)?.join(' ') ?? text) : text;
  if (random.next() < 0.35) {
    const checkDigits = (Number(valid.slice(2, 4)) + random.int(1, 40)) % 97;
    const misses = [
      valid.slice(0, 2) +
        String(checkDigits === Number(valid.slice(2, 4)) ? checkDigits + 1 : checkDigits).padStart(
          2,
          '0',
        ) +
        valid.slice(4),
      valid.slice(0, -1) + String((Number(valid.at(-1)) + 1) % 10),
      valid.slice(0, -2),
      'XX' + valid.slice(2),
    ];
    return { value: printed(random.pick(misses)), positive: false };
  }
  return { value: printed(random.next() < 0.05 ? valid.toLowerCase() : valid), positive: true };
}

export function usSsn(random: Random): Generated {
  const area = String(random.int(1, 899)).padStart(3, '0');
  const group = String(random.int(1, 99)).padStart(2, '0');
  const serial = String(random.int(1, 9999)).padStart(4, '0');
  if (area === '666' || random.next() < 0.35) {
    const misses = [
      `000-${group}-${serial}`,
      `666-${group}-${serial}`,
      `9${random.digits(2)}-${group}-${serial}`,
      `${area}-00-${serial}`,
      `${area}-${group}-0000`,
      `${random.digits(3)}-${random.digits(4)}`,
    ];
    return { value: random.pick(misses), positive: false };
  }
  return { value: `${area}-${group}-${serial}`, positive: true };
}

const NINO_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_SECOND = 'ABCEGHJKLMNPRSTWXYZ';

export function ukNino(random: Random): Generated {
  let prefix = random.chars(1, NINO_FIRST) + random.chars(1, NINO_SECOND);
  if (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix)) prefix = 'AB';
  const digits = random.digits(6);
  const suffix = random.chars(1, 'ABCD');
  const spaced = random.next() < 0.5;
  const format = (head: string, tail: string) =>
    spaced
      ? `${head} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)} ${tail}`
      : `${head}${digits}${tail}`;
  if (random.next() < 0.35) {
    const misses = [
      format('QQ', suffix),
      format(prefix, 'E'),
      format('GB', suffix),
      format('DA', suffix),
    ];
    return { value: random.pick(misses), positive: false };
  }
  return { value: format(prefix, suffix), positive: true };
}

export function ipAddress(random: Random): Generated {
  if (random.next() < 0.3) {
    const misses = [
      `${random.int(256, 999)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(0, 255)}`,
      `version ${random.int(1, 9)}.${random.int(0, 9)}.${random.int(0, 9)}.${random.int(0, 99)}`,
      `${random.int(1, 9)}.${random.int(0, 9)}.${random.int(0, 9)}`,
      `${random.int(1, 9)}.${random.int(0, 9)}.${random.int(0, 9)}.${random.int(0, 9)}.${random.int(0, 9)}`,
      `${random.int(10, 23)}:${random.digits(2)}:${random.digits(2)}`,
    ];
    return { value: random.pick(misses), positive: false };
  }
  if (random.next() < 0.6) {
    return {
      value: [random.int(1, 223), random.int(0, 255), random.int(0, 255), random.int(1, 254)].join(
        '.',
      ),
      positive: true,
    };
  }
  const groups = Array.from({ length: 8 }, () => random.int(0, 65535).toString(16));
  const full = groups.join(':');
  const compressed = `${groups[0]}:${groups[1]}::${groups[6]}:${groups[7]}`;
  return {
    value: random.pick([full, compressed, `fe80::${groups[5]}:${groups[6]}:${groups[7]}`]),
    positive: true,
  };
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function secret(random: Random): Generated {
  if (random.next() < 0.3) {
    const misses = [
      `commit ${random.chars(40, '0123456789abcdef')}`,
      `AKIA${random.chars(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}`,
      `request id ${random.chars(8, '0123456789abcdef')}-${random.chars(4, '0123456789abcdef')}-4${random.chars(3, '0123456789abcdef')}`,
      `/var/lib/castellan/packs/${random.pick(['itops', 'finance'])}/castellan.pack.json`,
      `the keyboard layout is ${random.pick(['qwerty', 'azerty'])}`,
    ];
    return { value: random.pick(misses), positive: false };
  }
  const forms = [
    `AKIA${random.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    `ghp_${random.chars(36, BASE62)}`,
    `sk-${random.chars(32, BASE62)}`,
    `xoxb-${random.digits(11)}-${random.chars(24, BASE62)}`,
    `AIza${random.chars(35, BASE62)}`,
    `sk_live_${random.chars(24, BASE62)}`,
    `-----BEGIN RSA PRIVATE KEY-----`,
  ];
  return { value: random.pick(forms), positive: true };
}

/** A high-entropy token that counts as a secret only because a key word precedes it. */
export function contextualSecret(random: Random): string {
  let token = random.chars(32, BASE62);
  if (!/\d/.test(token)) token = token.slice(0, -1) + '7';
  return token;
}
