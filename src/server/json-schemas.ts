import { z } from 'zod';

/** A JSON Schema object as route descriptions carry it. */
export type JsonSchema = Record<string, unknown>;

/**
 * The request-side JSON Schema (draft-7) of a zod schema, for the OpenAPI document only: the
 * zod schema stays the one validator, so the docs and the checks cannot disagree.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/** The response description of a route, left open so the body is exactly what the service returns. */
export function openResponse(description: string): JsonSchema {
  return { description, type: 'object', additionalProperties: true };
}

/** The error body every failing route returns. */
export const errorResponse: JsonSchema = {
  description: 'an error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

/** A route's responses: its successes plus the error shape every failure shares. */
export function responses(successes: Record<number, JsonSchema>): Record<string, JsonSchema> {
  return { ...successes, default: errorResponse };
}
