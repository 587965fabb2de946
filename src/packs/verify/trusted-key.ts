import type { SigningAlgorithm } from '../signing/keys.js';

/** A publisher key the trust store holds for one environment, and what it may sign. */
export interface TrustedKey {
  /** `sha256:<hex>` of the key's SPKI DER. */
  keyId: string;
  publicKeyPem: string;
  algorithm: SigningAlgorithm;
  /** The manifest `publisher` this key speaks for. */
  publisher: string;
  /** Pack names it may sign: exact (`@acme/itops`) or a whole scope (`@acme/*`). */
  names: string[];
}

/** Whether a pack name is covered by one of a key's name patterns. */
export function nameAllowed(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name,
  );
}
