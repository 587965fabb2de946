import { matchAll, type Detector } from './detector.js';

// Local part: the dot-atom characters people use (no quoted forms: they do not occur in the
// data we guard and would make the pattern slow). Domain: labels of letters, digits and dashes,
// then an alphabetic top-level label. The lookarounds keep a match from starting or ending
// inside a longer token.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

// Asset names such as `icon@2x.png` look like addresses; these endings are files, not domains.
const FILE_ENDINGS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'pdf']);

/** E-mail addresses: RFC 5321 length limits, no doubled dots, a real top-level label. */
export const emailDetector: Detector = {
  dataClass: 'email',
  contextWords: ['email', 'e-mail', 'mail', 'contact', 'address', 'to', 'from', 'cc', 'reply'],
  mayMatch: (text) => text.includes('@'),
  find: (text) =>
    matchAll(text, EMAIL, (match) => {
      const value = match[0];
      const at = value.lastIndexOf('@');
      const local = value.slice(0, at);
      const domain = value.slice(at + 1);
      if (local.length > 64 || value.length > 254 || local.includes('..')) return undefined;
      const labels = domain.split('.');
      const top = labels.at(-1)?.toLowerCase() ?? '';
      if (FILE_ENDINGS.has(top) && labels.length === 2) return undefined;
      // `user@host.local`-style names are still addresses; a bare digit domain is not.
      if (labels.slice(0, -1).every((label) => /^\d+$/.test(label))) return undefined;
      return { start: match.index, end: match.index + value.length, score: 0.9, detector: 'email' };
    }),
};
