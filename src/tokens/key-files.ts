import { chmod, lstat, mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { exportPrivateJwk, instanceKeysFromJwks } from './instance-keys.js';
import type { InstanceKeys } from './instance-keys.js';
import { TokenError } from './errors.js';

/** File name of the instance's private signing key (mode 0600). */
export const PRIVATE_KEY_FILE = 'signing-key.private.jwk';

/** File name of the instance's public signing key (mode 0644). */
export const PUBLIC_KEY_FILE = 'signing-key.public.jwk';

const MAX_KEY_FILE_BYTES = 16 * 1024;
const base64url = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes in base64url');
const publicJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: base64url,
  kid: z.string().optional(),
});
const privateJwkSchema = publicJwkSchema.extend({ d: base64url });

/**
 * Writes the key pair into `dir`: the private key readable by the owner only, the public key
 * readable by all. Refuses to overwrite existing key files (rotation is a deliberate act).
 */
export async function saveInstanceKeys(dir: string, keys: InstanceKeys): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const privateJwk = await exportPrivateJwk(keys);
  for (const path of [privatePath, publicPath]) await refuseExisting(path);
  // 'wx' creates the file with mode 0600 atomically, so the secret is never briefly readable.
  await writeExclusive(privatePath, `${JSON.stringify(privateJwk, null, 2)}\n`, 0o600);
  await writeExclusive(publicPath, `${JSON.stringify(keys.publicJwk, null, 2)}\n`, 0o644);
  // The umask may have narrowed the public file's mode; set both explicitly.
  await chmod(privatePath, 0o600);
  await chmod(publicPath, 0o644);
}

/** Reads the key pair from `dir`, refusing a private key file that group or others can read. */
export async function loadInstanceKeys(dir: string): Promise<InstanceKeys> {
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const privateText = await readKeyFile(privatePath, true);
  const publicText = await readKeyFile(publicPath, false);
  const privateJwk = parseJwk(privateText, privateJwkSchema, privatePath);
  const publicJwk = parseJwk(publicText, publicJwkSchema, publicPath);
  const keys = await instanceKeysFromJwks(privateJwk, publicJwk).catch((cause: unknown) => {
    throw new TokenError('key-file-malformed', `cannot import the keys in ${dir}`, { cause });
  });
  if (keys === undefined) {
    throw new TokenError('key-file-malformed', `the key files in ${dir} are not one key pair`);
  }
  for (const [path, jwk] of [
    [privatePath, privateJwk],
    [publicPath, publicJwk],
  ] as const) {
    if (jwk.kid !== undefined && jwk.kid !== keys.kid) {
      throw new TokenError('key-file-malformed', `${path}: kid is not the key's thumbprint`);
    }
  }
  return keys;
}

// Checked for both files first, so a refusal never leaves half a new pair beside an old half.
async function refuseExisting(path: string): Promise<void> {
  const exists = await lstat(path).then(
    () => true,
    (cause: unknown) => {
      if (errorCode(cause) === 'ENOENT') return false;
      throw cause;
    },
  );
  if (exists) {
    throw new TokenError('key-file-exists', `${path} exists; move it away to rotate keys`);
  }
}

async function writeExclusive(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { mode, flag: 'wx' });
  } catch (cause) {
    if (errorCode(cause) === 'EEXIST') {
      throw new TokenError('key-file-exists', `${path} exists; move it away to rotate keys`, {
        cause,
      });
    }
    throw cause;
  }
}

// Checks the mode on the open descriptor, so the file cannot be swapped between check and read.
async function readKeyFile(path: string, secret: boolean): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    const code = errorCode(cause) === 'ENOENT' ? 'key-file-missing' : 'key-file-malformed';
    throw new TokenError(code, `cannot open ${path}`, { cause });
  }
  try {
    const stats = await handle.stat();
    if (secret && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8);
      throw new TokenError(
        'key-file-insecure',
        `${path} has mode ${mode}: group or others can read the signing key; run chmod 600 ${path}`,
      );
    }
    if (!stats.isFile() || stats.size > MAX_KEY_FILE_BYTES) {
      throw new TokenError('key-file-malformed', `${path} is not a key file`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function parseJwk<T>(text: string, schema: z.ZodType<T>, path: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TokenError('key-file-malformed', `${path} is not JSON`, { cause });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new TokenError('key-file-malformed', `${path} is not an Ed25519 JWK`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}
