/**
 * Secret shapes: key names that hold secrets, and credential formats with well-known prefixes.
 * The detector (detectors/secret.ts) adds high-entropy strings near words like key or token.
 */

const SECRET_KEY_NAME =
  /(pass(word|phrase)?|secret|token|api[-_]?key|authori[sz]ation|private[-_]?key|credential)/i;

/** A credential format: a name for reports and a pattern that is specific enough on its own. */
export interface SecretPattern {
  name: string;
  pattern: RegExp;
}

/** Credential formats with a prefix or frame that makes them unmistakable. */
export const SECRET_VALUE_PATTERNS: readonly SecretPattern[] = [
  { name: 'castellan-api-key', pattern: /\bcst_[a-z0-9]+_[A-Za-z0-9_-]{20,}/g },
  {
    name: 'private-key',
    pattern:
      /-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]{0,8192}?-----END [A-Z ]*PRIVATE KEY-----)?/g,
  },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  { name: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g },
  { name: 'github-fine-grained-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{60,}\b/g },
  { name: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { name: 'openai-key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}\b/g },
  { name: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g },
  { name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  {
    name: 'azure-storage-key',
    pattern: /\bAccountKey=[A-Za-z0-9+/]{40,}={0,2}/g,
  },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
];

/** Whether a key name suggests its value is a secret. */
export function isSecretKeyName(key: string): boolean {
  return SECRET_KEY_NAME.test(key);
}

/** The kinds of secret with a known format found in a string, by name. */
export function findSecretKinds(text: string): string[] {
  return SECRET_VALUE_PATTERNS.filter(({ pattern }) => {
    pattern.lastIndex = 0;
    const found = pattern.test(text);
    pattern.lastIndex = 0;
    return found;
  }).map(({ name }) => name);
}
