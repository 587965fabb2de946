import { z } from 'zod';
import { ApiError } from '../errors.js';

const MAX_FILE_BYTES = 512 * 1024;
const MAX_FILES = 200;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.cedar$/;

/**
 * A policy set as a client sends it: file name → Cedar text. Operator input, possibly over HTTP:
 * names are plain `.cedar` file names, sizes are bounded, and a bad set changes nothing.
 */
export const policyFilesSchema = z
  .record(
    z.string().regex(FILE_NAME, 'a plain file name ending in .cedar'),
    z.string().max(MAX_FILE_BYTES, `at most ${MAX_FILE_BYTES} characters per file`),
  )
  .refine((files) => Object.keys(files).length <= MAX_FILES, `at most ${MAX_FILES} files`);

/** `--since SEQ`: a positive audit sequence number. */
export const sinceSchema = z.number().int().min(1).optional();

/** Parses a policy set or throws a bad-input ApiError that says what is wrong. */
export function parsePolicyFiles(raw: unknown): Record<string, string> {
  if (raw !== null && typeof raw === 'object') {
    const bad = Object.keys(raw).find((name) => !FILE_NAME.test(name));
    if (bad !== undefined)
      throw new ApiError(
        'bad-input',
        `policy files: "${bad.slice(0, 120)}" is not a plain file name ending in .cedar`,
      );
  }
  const parsed = policyFilesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(
      'bad-input',
      `policy files: ${issue?.path.join('.') || 'set'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  if (Object.keys(parsed.data).length === 0)
    throw new ApiError('bad-input', 'policy files: the folder holds no .cedar file');
  return parsed.data;
}

/** A version number from the CLI or a route. */
export function parseVersion(raw: unknown): number {
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new ApiError(
      'bad-input',
      `a policy version is a whole number from 1, not ${String(raw)}`,
    );
  return value;
}
