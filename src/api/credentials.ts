import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** The file in a home that keeps the local users' API keys for `--as USER` (mode 0600). */
export const CREDENTIALS_FILE = 'credentials.json';

const credentialsSchema = z.object({ keys: z.record(z.string(), z.string()) }).strict();

/** Writes the local users' keys, readable by the owner only. */
export function writeCredentials(home: string, keys: Record<string, string>): void {
  const path = join(home, CREDENTIALS_FILE);
  writeFileSync(path, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The key of a local user, for embedded mode; a clear error when there is none. */
export function localKey(home: string, user: string): string {
  const path = join(home, CREDENTIALS_FILE);
  if (!existsSync(path))
    throw new ApiError('bad-input', `no ${CREDENTIALS_FILE} in ${home}: run \`castellan init\``);
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new ApiError('bad-input', `${path} is readable by others: chmod 600 ${path}`);
  }
  let parsed;
  try {
    parsed = credentialsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    throw new ApiError('bad-input', `${path} is corrupt: run \`castellan init --force\``);
  }
  const key = parsed.keys[user];
  if (key === undefined) {
    throw new ApiError(
      'unknown-user',
      `no local user "${user}"; local users: ${Object.keys(parsed.keys).join(', ')}`,
    );
  }
  return key;
}
