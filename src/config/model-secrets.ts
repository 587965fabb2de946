import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from './load.js';
import type { ApiKeyReference } from './model-settings.js';

const MAX_KEY_BYTES = 16 * 1024;

/**
 * Reads a model API key from where its reference points: an environment variable or a file
 * only its owner can read. Errors name the variable or the file, never any of the content.
 * config/ is the only room that reads the environment, so the runtime asks here on each call
 * and never keeps the key in the run's state, the database or a log line.
 */
export function readModelApiKey(
  reference: ApiKeyReference,
  home: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if ('env' in reference) {
    const value = env[reference.env];
    if (value === undefined || value.trim() === '') {
      throw new ConfigError(
        'unreadable',
        `the model API key variable ${reference.env} is not set in Castellan's environment`,
      );
    }
    return value.trim();
  }
  const path = isAbsolute(reference.file) ? reference.file : join(home, reference.file);
  let descriptor: number;
  try {
    // O_NOFOLLOW: a symlink swapped in for the key file is refused rather than followed.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    throw new ConfigError('unreadable', `the model API key file ${path} cannot be opened`);
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw new ConfigError('unreadable', `${path} is not a regular file`);
    if ((stat.mode & 0o077) !== 0) {
      throw new ConfigError(
        'unreadable',
        `the model API key file ${path} is readable by others: chmod 600 it`,
      );
    }
    if (stat.size > MAX_KEY_BYTES)
      throw new ConfigError('unreadable', `the model API key file ${path} is too large`);
    const buffer = Buffer.alloc(Math.max(1, stat.size));
    const read = readSync(descriptor, buffer, 0, buffer.length, 0);
    const key = buffer.subarray(0, read).toString('utf8').trim();
    if (key === '') throw new ConfigError('unreadable', `the model API key file ${path} is empty`);
    return key;
  } finally {
    closeSync(descriptor);
  }
}
