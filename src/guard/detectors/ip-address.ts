import { isIPv6 } from 'node:net';
import { matchAll, type Detector } from './detector.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Four octets, not part of a longer dotted run (a version such as 1.2.3.4.5 or an OID).
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
// Hex groups and colons, at least two colons; node:net decides whether it is an address.
const IPV6 =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3})(?:%[\w.]+)?(?![\w:])/g;

// Words that, just before a dotted quad, say it is a version rather than an address.
const VERSION_WORDS = /\b(?:version|ver|v|release|build|firmware|oid)[\s:=]*$/i;

/** IPv4 and IPv6 addresses; a dotted quad right after "version" or "v" is not one. */
export const ipAddressDetector: Detector = {
  dataClass: 'ip-address',
  contextWords: ['ip', 'address', 'host', 'server', 'client', 'from', 'src', 'dst', 'gateway'],
  mayMatch: (text) => text.includes('.') || text.includes(':'),
  find: (text) => [
    ...matchAll(text, IPV4, (match) => {
      if (VERSION_WORDS.test(text.slice(Math.max(0, match.index - 16), match.index)))
        return undefined;
      return {
        start: match.index,
        end: match.index + match[0].length,
        score: 0.6,
        detector: 'ipv4',
      };
    }),
    ...matchAll(text, IPV6, (match) => {
      const value = match[0];
      if (!isIPv6(value.split('%')[0] ?? '') || !/[0-9A-Fa-f]/.test(value)) return undefined;
      // `12:30:45` parses as neither; `::` alone is no address worth guarding.
      return { start: match.index, end: match.index + value.length, score: 0.6, detector: 'ipv6' };
    }),
  ],
};
