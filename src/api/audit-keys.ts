import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ed25519Signer,
  formatVerifierKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from '../audit/index.js';
import { generateInstanceKeys, loadInstanceKeys, saveInstanceKeys } from '../tokens/index.js';
import { ApiError } from './errors.js';

/**
 * The audit log's own Ed25519 key, in `keys/audit/` beside the token key and kept by the same
 * hardened key-file code (0600, never overwritten). It is a separate key on purpose: checkpoint
 * signatures must verify for as long as entries are retained (years) against a key auditors
 * pinned, while the token key may be rotated after an incident; and a key that signs nothing
 * but checkpoints cannot be made to sign one by minting a token.
 */
export const AUDIT_KEY_DIR = join('keys', 'audit');

/** The verifier key (C2SP `NAME+ID+KEY`) auditors pin; it fixes the log's origin too. */
export const VERIFIER_KEY_FILE = 'checkpoint.vkey';

/** The checkpoint signer and its verifier; `created` when this call made the key. */
export interface AuditKey {
  signer: NoteSigner;
  verifier: NoteVerifier;
  verifierKey: string;
  created: boolean;
}

/** Loads the home's audit key, creating it (with `origin` as its name) on first use. */
export async function loadOrCreateAuditKey(home: string, origin: string): Promise<AuditKey> {
  const dir = join(home, AUDIT_KEY_DIR);
  const vkeyPath = join(dir, VERIFIER_KEY_FILE);
  let created = false;
  if (!existsSync(dir)) {
    const keys = await generateInstanceKeys();
    await saveInstanceKeys(dir, keys);
    const publicKey = Buffer.from(String(keys.publicJwk.x), 'base64url');
    await writeFile(vkeyPath, `${formatVerifierKey(origin, publicKey)}\n`, {
      flag: 'wx',
      mode: 0o644,
    });
    created = true;
  }
  const keys = await loadInstanceKeys(dir);
  const text = await readFile(vkeyPath, 'utf8').catch(() => {
    throw new ApiError(
      'bad-input',
      `${vkeyPath} is missing: the audit key cannot be used without its verifier key`,
    );
  });
  const verifier = parseVerifierKey(text);
  if (Buffer.from(verifier.publicKey).toString('base64url') !== keys.publicJwk.x) {
    throw new ApiError('bad-input', `${vkeyPath} does not name the key in ${dir}`);
  }
  return {
    signer: ed25519Signer(verifier.name, keys.privateKey),
    verifier,
    verifierKey: text.trim(),
    created,
  };
}
