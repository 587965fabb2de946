import { z } from 'zod';
import { PACK_PREDICATE_TYPE, STATEMENT_TYPE, type PackStatement } from '../signing/statement.js';
import { PackVerifyError } from './errors.js';

/** The predicate types a pack statement may carry. */
export const ALLOWED_PREDICATE_TYPES: readonly string[] = [PACK_PREDICATE_TYPE];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

const statementSchema = z
  .object({
    _type: z.literal(STATEMENT_TYPE),
    subject: z
      .array(
        z.object({ name: z.string().max(200), digest: z.object({ sha256 }).strict() }).strict(),
      )
      .length(1),
    predicateType: z.string().max(200),
    // The predicate is checked only once its type is known to be ours.
    predicate: z.unknown(),
  })
  .strict();

const predicateSchema = z
  .object({
    pack: z
      .object({
        name: z.string().max(200),
        version: z.string().max(100),
        publisher: z.string().max(100),
      })
      .strict(),
    manifest: z
      .object({ path: z.string().max(200), digest: z.object({ sha256 }).strict() })
      .strict(),
    builder: z.object({ id: z.string().min(1).max(200) }).strict(),
    sourceRevision: z.string().max(200),
  })
  .strict();

/**
 * Parses the signed payload as an in-toto Statement v1 with exactly one subject and the pack
 * predicate. Only called on a payload whose signature verified, but still parsed strictly: a
 * trusted key may have signed something that is not a pack statement.
 */
export function checkStatement(payload: Buffer): PackStatement {
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(payload),
      (key, value: unknown) => {
        if (key === '__proto__') throw new SyntaxError('the key "__proto__" is not allowed');
        return value;
      },
    );
  } catch (error) {
    throw new PackVerifyError(
      'malformed-statement',
      `the payload is not JSON: ${(error as Error).message}`,
    );
  }
  const statement = statementSchema.safeParse(json);
  if (!statement.success) throw malformed('statement', statement.error);
  if (!ALLOWED_PREDICATE_TYPES.includes(statement.data.predicateType)) {
    throw new PackVerifyError(
      'predicate-type-not-allowed',
      `the predicate type ${JSON.stringify(statement.data.predicateType)} is not ${ALLOWED_PREDICATE_TYPES.join(' or ')}`,
    );
  }
  const predicate = predicateSchema.safeParse(statement.data.predicate);
  if (!predicate.success) throw malformed('predicate', predicate.error);
  const [subject] = statement.data.subject;
  if (subject === undefined)
    throw new PackVerifyError('malformed-statement', 'the statement has no subject');
  return { ...statement.data, subject: [subject], predicate: predicate.data };
}

function malformed(what: string, error: z.ZodError): PackVerifyError {
  const issue = error.issues[0];
  return new PackVerifyError(
    'malformed-statement',
    `the ${what} is not an in-toto pack ${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
  );
}
