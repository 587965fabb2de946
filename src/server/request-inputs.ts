import { z } from 'zod';
import { ServerError } from './errors.js';

/** A positive whole number in a query string, capped. */
export function countParameter(max: number): z.ZodType<number, string> {
  return z
    .string()
    .regex(/^[0-9]{1,9}$/, 'a whole number')
    .describe(`a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1').max(max, `at most ${max}`));
}

/** A non-negative audit sequence number in a query string. */
export const seqParameter: z.ZodType<number, string> = z
  .string()
  .regex(/^[0-9]{1,15}$/, 'a whole number')
  .describe('an audit sequence number')
  .transform(Number);

/** A comma-separated list of allowed values in a query string, e.g. `status=queued,running`. */
export function listParameter<const Values extends readonly [string, ...string[]]>(
  values: Values,
): z.ZodType<Values[number][], string> {
  return z
    .string()
    .describe(`comma-separated, each one of ${values.join(', ')}`)
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    )
    .pipe(z.array(z.enum(values)).min(1, 'at least one value'));
}

/** An identifier in a path or query: bounded, printable. */
export const idParameter = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');

/** The path parameters of every `/:id` route. */
export const idParamsSchema = z.object({ id: idParameter }).strict();

/**
 * Parses query parameters (attacker-controlled) with a strict schema; the error names the
 * parameter, and an unknown parameter is refused rather than silently ignored.
 */
export function parseQuery<T>(schema: z.ZodType<T>, raw: unknown): T {
  return parseWith(schema, raw ?? {}, 'bad-query', 'query parameter');
}

/** Parses path parameters (attacker-controlled). */
export function parseParams<T>(schema: z.ZodType<T>, raw: unknown): T {
  return parseWith(schema, raw ?? {}, 'bad-params', 'path parameter');
}

/** Parses a request body the server itself owns the schema of (attacker-controlled). */
export function parseBody<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  if (raw === undefined)
    throw new ServerError('bad-body', `${what}: send a JSON object as the body`);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  throw new ServerError('bad-body', `${what}: ${problems.join('; ')}`);
}

function parseWith<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  code: 'bad-query' | 'bad-params',
  what: string,
): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `unknown ${what} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    const name = issue.path[0];
    return name === undefined
      ? `${what}s: ${issue.message}`
      : `${what} "${String(name)}": ${issue.message}`;
  });
  throw new ServerError(code, problems.join('; '));
}
