import type { PackManifest } from '../manifest.js';
import { PackVerifyError } from './errors.js';
import { nameAllowed, type TrustedKey } from './trusted-key.js';

/**
 * A valid signature is not enough: the key must be trusted for this publisher and this pack
 * name, so a key trusted for `@acme/*` cannot sign `@castellan/itops`. Returns the signer whose
 * trust covers the pack.
 */
export function checkPublisher(signers: readonly TrustedKey[], manifest: PackManifest): TrustedKey {
  const signer = signers.find(
    (key) => key.publisher === manifest.publisher && nameAllowed(key.names, manifest.name),
  );
  if (signer === undefined) {
    const held = signers.map((key) => `${key.keyId} (${key.publisher}: ${key.names.join(', ')})`);
    throw new PackVerifyError(
      'publisher-not-allowed',
      `${manifest.name} by ${manifest.publisher} is signed by ${held.join('; ')}, which is not trusted for that publisher and name`,
    );
  }
  return signer;
}
