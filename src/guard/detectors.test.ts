import { describe, expect, it } from 'vitest';
import type { DataClass } from './data-classes.js';
import { cardBrand, luhnValid } from './detectors/card.js';
import { shannonEntropy } from './detectors/secret.js';
import { scanText } from './scan.js';

function found(text: string): Array<[DataClass, string]> {
  return scanText(text).map((finding) => [finding.dataClass, finding.text]);
}

describe('the detectors', () => {
  it('finds e-mail addresses but not file names, bare hosts or handles', () => {
    expect(found('Write to Jane.Doe+billing@mail.example.co.uk today')).toEqual([
      ['email', 'Jane.Doe+billing@mail.example.co.uk'],
    ]);
    expect(found('icon@2x.png, root@localhost, @jane, a..b@example.com')).toEqual([]);
  });

  it('finds card numbers that pass Luhn in a known scheme, and not one digit off', () => {
    expect(found('card 4111 1111 1111 1111 and amex 3782-822463-10005')).toEqual([
      ['card', '4111 1111 1111 1111'],
      ['card', '3782-822463-10005'],
    ]);
    expect(found('card 4111 1111 1111 1112')).toEqual([]);
    expect(found('0000 0000 0000 0000 and IMEI 356938035643809')).toEqual([]);
    expect(luhnValid('79927398713')).toBe(true);
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('9999999999999995')).toBeUndefined();
  });

  it('asks a Luhn-valid number outside known schemes for a context word', () => {
    expect(found('ref 9999 9999 9999 9995')).toEqual([]);
    expect(found('credit card 9999 9999 9999 9995')).toEqual([['card', '9999 9999 9999 9995']]);
  });

  it('finds IBANs by country length and mod-97, printed or electronic, and ends them right', () => {
    expect(found('IBAN DE89 3704 0044 0532 0130 00 please pay')).toEqual([
      ['iban', 'DE89 3704 0044 0532 0130 00'],
    ]);
    expect(found('GB82WEST12345698765432, gb82west12345698765432')).toEqual([
      ['iban', 'GB82WEST12345698765432'],
      ['iban', 'gb82west12345698765432'],
    ]);
    // A check digit off, a country that does not exist, and a truncated number.
    expect(found('DE89370400440532013001 XX89370400440532013000 DE8937040044053201')).toEqual([]);
  });

  it('applies the SSA rules to US social security numbers', () => {
    expect(found('SSN 536-22-1234')).toEqual([['us-ssn', '536-22-1234']]);
    expect(
      found('000-12-3456 666-12-3456 912-12-3456 536-00-1234 536-22-0000 078-05-1120'),
    ).toEqual([]);
    // Nine bare digits only with a context word.
    expect(found('id 536221234')).toEqual([]);
    expect(found('social security number 536221234')).toEqual([['us-ssn', '536221234']]);
  });

  it("applies HMRC's prefix and suffix rules to National Insurance numbers", () => {
    expect(found('NI number AB 12 34 56 C and CE123456D')).toEqual([
      ['uk-nino', 'AB 12 34 56 C'],
      ['uk-nino', 'CE123456D'],
    ]);
    expect(found('QQ123456C DA123456A GB123456A AB123456E')).toEqual([]);
  });

  it('finds phone numbers with real country codes and NANP rules, not dates or versions', () => {
    expect(found('Call +44 20 7946 0958 or (415) 555-2671 or 07700 900123')).toEqual([
      ['phone', '+44 20 7946 0958'],
      ['phone', '(415) 555-2671'],
      ['phone', '07700 900123'],
    ]);
    expect(
      found('on 2024-01-15 at 12:30:45, release 3.14.2, +999 123 4567, (055) 555-2671'),
    ).toEqual([]);
  });

  it('finds IPv4 and IPv6 addresses but not versions or out-of-range octets', () => {
    expect(found('host 10.0.0.12 and 2001:db8::8a2e:370:7334')).toEqual([
      ['ip-address', '10.0.0.12'],
      ['ip-address', '2001:db8::8a2e:370:7334'],
    ]);
    expect(found('version 1.2.3.4, 999.1.1.1, 1.2.3.4.5, 12:30:45')).toEqual([]);
  });

  it('finds credentials with known prefixes and high-entropy values right after a key word', () => {
    expect(found('AKIAIOSFODNN7EXAMPLE')).toEqual([['secret', 'AKIAIOSFODNN7EXAMPLE']]);
    expect(found('-----BEGIN OPENSSH PRIVATE KEY-----')[0]?.[0]).toBe('secret');
    expect(found('api_key = "q8Zr2Lk9Xw4Tn7Vb3Mp6Yc1Hd5Js0Fa"')).toEqual([
      ['secret', 'q8Zr2Lk9Xw4Tn7Vb3Mp6Yc1Hd5Js0Fa'],
    ]);
    // The same kind of string without a key word, or with another word in between, is not.
    expect(found('build q8Zr2Lk9Xw4Tn7Vb3Mp6Yc1Hd5Js0Fa')).toEqual([]);
    expect(found('token for commit a2df03088e4267d0a3407229d44259bad8456bd1')).toEqual([]);
    expect(shannonEntropy('aaaa')).toBe(0);
  });

  it('lets a checksum-verified card win over a phone number inside it', () => {
    expect(found('phone. Please charge 3895 927282 1458')).toEqual([['card', '3895 927282 1458']]);
  });

  it('scans a megabyte of text without slowing down on many findings', () => {
    const text = 'mail a@example.com, card 4111 1111 1111 1111. '.repeat(20_000);
    const started = performance.now();
    expect(scanText(text)).toHaveLength(40_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
