import { pae } from '../signing/dsse.js';
import { parsePublicKey, verifyBytes, type ParsedKey } from '../signing/keys.js';
import type { ParsedEnvelope } from './check-envelope.js';
import { PackVerifyError } from './errors.js';
import type { TrustedKey } from './trusted-key.js';

/**
 * Finds the trusted keys whose signature over PAE(payloadType, payload) is valid. The `keyid` of
 * a signature is not signed, so it only orders the attempts: a signature counts only when a
 * trusted key verifies it, whatever key it names. Returns the keys that verified, never empty.
 */
export function checkSignature(
  envelope: ParsedEnvelope,
  trusted: readonly TrustedKey[],
): TrustedKey[] {
  if (trusted.length === 0) {
    throw new PackVerifyError(
      'no-trusted-keys',
      'the trust store holds no publisher key to verify with',
    );
  }
  const keys = trusted.map((entry) => ({ entry, parsed: parseTrusted(entry) }));
  const message = pae(envelope.payloadType, envelope.payload);
  const signers: TrustedKey[] = [];
  for (const signature of envelope.signatures) {
    const ordered = [
      ...keys.filter((key) => key.entry.keyId === signature.keyid),
      ...keys.filter((key) => key.entry.keyId !== signature.keyid),
    ];
    const signer = ordered.find(
      (key) => key.parsed !== undefined && verifyBytes(key.parsed, message, signature.sig),
    );
    if (signer !== undefined && !signers.includes(signer.entry)) signers.push(signer.entry);
  }
  if (signers.length === 0) {
    const named = envelope.signatures.map((signature) => signature.keyid || '(none)').join(', ');
    throw new PackVerifyError(
      'signature-not-trusted',
      `no signature verifies with a trusted key (the envelope names key ${named}; names are not proof)`,
    );
  }
  return signers;
}

// A trusted key whose text no longer parses verifies nothing, rather than failing everything.
function parseTrusted(entry: TrustedKey): ParsedKey | undefined {
  try {
    return parsePublicKey(entry.publicKeyPem, `trusted key ${entry.keyId}`);
  } catch {
    return undefined;
  }
}
