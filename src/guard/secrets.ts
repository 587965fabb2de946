/**
 * Secret detection, first version: key names that hold secrets and values with well-known
 * secret shapes. The PII and entropy detectors arrive with the policy issue; this is enough to
 * keep credentials out of the audit log and out of the model's context.
 */

const SECRET_KEY_NAME =
  /(pass(word|phrase)?|secret|token|api[-_]?key|authori[sz]ation|private[-_]?key|credential)/i;

const SECRET_VALUE_PATTERNS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'castellan-api-key', pattern: /\bcst_[a-z0-9]+_[A-Za-z0-9_-]{20,}/ },
  { name: 'private-key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'aws-access-key', pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { name: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'openai-key', pattern: /\bsk-[A-Za-z0-9_-]{20,}\b/ },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
];

/** Whether a key name suggests its value is a secret. */
export function isSecretKeyName(key: string): boolean {
  return SECRET_KEY_NAME.test(key);
}

/** The kinds of secret found in a string, by name. */
export function findSecretKinds(text: string): string[] {
  return SECRET_VALUE_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ name }) => name);
}
