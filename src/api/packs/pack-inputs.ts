import { z } from 'zod';
import { environmentSchema, formatIssues } from '../../config/index.js';
import { ApiError } from '../errors.js';

/** `name@version`, as every pack command names one version. Attacker-controlled over HTTP. */
export const packRefSchema = z
  .string()
  .max(150)
  .regex(
    /^(@[a-z0-9-]{1,40}\/)?[a-z][a-z0-9-]{0,62}@\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,40})?$/,
    'a pack version such as @acme/itops@1.2.0',
  );

/** A key to trust: which environment, which publisher, which pack names. */
export const trustKeySchema = z
  .object({
    environment: environmentSchema,
    publicKeyPem: z
      .string()
      .min(1)
      .max(16 * 1024),
    publisher: z.string().min(1).max(100),
    names: z
      .array(
        z
          .string()
          .regex(
            /^(@[a-z0-9-]{1,40}\/(\*|[a-z][a-z0-9-]{0,62})|[a-z][a-z0-9-]{0,62})$/,
            'a pack name or a whole scope such as @acme/*',
          ),
      )
      .min(1)
      .max(32),
  })
  .strict();

/** A reason, required where an action needs one on the record. */
export const reasonSchema = z.string().trim().min(1, 'a reason is required').max(2000);

/** Parses an input or throws a bad-input ApiError naming the field. */
export function parsePackInput<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('bad-input', `${what}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** Splits `@acme/itops@1.2.0` into name and version. */
export function splitRef(ref: string): { name: string; version: string } {
  const at = ref.lastIndexOf('@');
  return { name: ref.slice(0, at), version: ref.slice(at + 1) };
}
