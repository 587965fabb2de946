import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import secureMetaSchema from 'ajv/lib/refs/json-schema-secure.json' with { type: 'json' };
import { PackError } from './errors.js';

/** The outcome of checking a call's arguments against a tool's schema. */
export type ArgsValidation =
  { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Checks a call's arguments; the arguments come from model output and are attacker-controlled. */
export type ArgsValidator = (args: unknown) => ArgsValidation;

const maxSchemaDepth = 32;

let secureValidator: ValidateFunction | undefined;

/**
 * Ajv's security meta-schema: a pattern or format needs a maxLength, a uniqueItems list of
 * objects needs a maxItems, and so on, so that a schema cannot make validating a hostile
 * argument slow. Compiled once, without strict mode (the meta-schema itself is not strict).
 */
function insecurity(schema: unknown): string | undefined {
  secureValidator ??= new Ajv({ strict: false, allErrors: false }).compile(secureMetaSchema);
  if (secureValidator(schema) === true) return undefined;
  return formatErrors(secureValidator.errors ?? [], 'schema');
}

/** Walks a schema refusing deep nesting (ajv compiles recursively) and `$async` (a promise is truthy). */
function checkShape(value: unknown, depth: number, where: string): void {
  if (depth > maxSchemaDepth)
    throw new Error(`${where} is nested deeper than ${maxSchemaDepth} levels`);
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkShape(item, depth + 1, `${where}.${index}`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$async') throw new Error(`${where}: $async schemas are not allowed`);
      checkShape(item, depth + 1, `${where}.${key}`);
    }
  }
}

/**
 * Creates a compiler for one pack's tool schemas: strict mode, first error only, no removal of
 * extra properties, no defaults written into the caller's object, and no remote `$ref` (no
 * loader is configured, so any reference outside the schema fails to compile).
 */
export function createArgsCompiler(): (
  schema: Record<string, unknown>,
  where: string,
) => ArgsValidator {
  const ajv = new Ajv({
    strict: true,
    allErrors: false,
    removeAdditional: false,
    useDefaults: false,
    coerceTypes: false,
  });
  return (schema, where) => {
    let validate;
    try {
      checkShape(schema, 0, 'args');
      const unsafe = insecurity(schema);
      if (unsafe !== undefined) throw new Error(`unsafe for untrusted input: ${unsafe}`);
      validate = ajv.compile(schema);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new PackError(
        'invalid-manifest',
        `${where}: the arguments schema does not compile: ${message}`,
        {
          cause: error,
        },
      );
    }
    return (args) => {
      const valid = validate(args);
      if (valid !== true) return { ok: false, error: formatErrors(validate.errors ?? [], 'args') };
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return { ok: false, error: 'args: must be an object' };
      }
      return { ok: true, value: args as Record<string, unknown> };
    };
  };
}

/** `args.service: must match pattern "^[a-z]..."`: the JSON pointer as a dotted path. */
export function formatErrors(errors: readonly ErrorObject[], root: string): string {
  return errors
    .map((error) => {
      const path = error.instancePath
        .split('/')
        .slice(1)
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((joined, part) => `${joined}.${part}`, root);
      const extra =
        error.keyword === 'additionalProperties'
          ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
          : '';
      return `${path}: ${error.message ?? error.keyword}${extra}`;
    })
    .join('; ');
}
