import { SECRET_VALUE_PATTERNS } from '../secrets.js';
import { matchAll, type Candidate, type Detector } from './detector.js';

// A token-like run: long enough to be a key, made of the alphabets keys are encoded in.
const TOKEN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{20,512}={0,2}(?![A-Za-z0-9+/=_-])/g;
// A secret-sounding word (or a name ending in one: api_key, AUTH_TOKEN), then only what joins a
// name to its value (`: "`, ` = `, ` is `) right before the token. Another word in between
// ("token for commit 3f2a...") means the token is something else.
const NEAR_WORD =
  /(?:key|secret|token|password|passwd|pwd|credentials?|bearer|auth\w*|signature|private)["']?\s*(?:[:=]|\bis\b|\bwas\b)?\s*["']?$/i;

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}

function highEntropy(text: string, match: RegExpExecArray): Candidate | undefined {
  const value = match[0];
  // Mixed classes: real keys mix letters and digits; words, paths and hex ids of one kind rarely
  // carry a key word right before them and still pass this.
  if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) return undefined;
  if (shannonEntropy(value) < 3.5) return undefined;
  if (!NEAR_WORD.test(text.slice(Math.max(0, match.index - 60), match.index))) return undefined;
  return {
    start: match.index,
    end: match.index + value.length,
    score: 0.7,
    detector: 'secret-entropy',
  };
}

/**
 * Secrets: credentials with known prefixes (cloud keys, platform tokens, private keys, JWTs)
 * score as certain; any other high-entropy token counts only right after a word such as key,
 * secret or token.
 */
export const secretDetector: Detector = {
  dataClass: 'secret',
  contextWords: [],
  mayMatch: (text) => text.length >= 20,
  find(text) {
    const found: Candidate[] = [];
    for (const { name, pattern } of SECRET_VALUE_PATTERNS) {
      found.push(
        ...matchAll(text, pattern, (match) => ({
          start: match.index,
          end: match.index + match[0].length,
          score: 1,
          detector: name,
        })),
      );
    }
    found.push(...matchAll(text, TOKEN, (match) => highEntropy(text, match)));
    return found;
  },
};
