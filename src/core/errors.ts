/**
 * One error base for all of Castellan. Each room narrows `code` to its own string literals;
 * the HTTP status and the CLI exit code are derived from `kind` in exactly one place each
 * (server/error-mapping.ts and cli/exit-codes.ts).
 */
export type ErrorKind =
  | 'bad-input' // the caller sent something malformed: 400 / exit 2
  | 'unauthenticated' // no or bad credential: 401 / exit 1
  | 'forbidden' // authenticated but not allowed: 403 / exit 3
  | 'denied' // a governed action was denied by the gate: 403 / exit 3
  | 'not-found' // 404 / exit 1
  | 'conflict' // state does not allow it (already decided, exists): 409 / exit 1
  | 'unavailable' // a control or dependency cannot answer: 503 / exit 1
  | 'internal'; // a bug: 500 / exit 1

/** The base class of every error Castellan raises on purpose. */
export class CastellanError<Code extends string = string> extends Error {
  readonly room: string;
  readonly code: Code;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    room: string,
    code: Code,
    kind: ErrorKind,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CastellanError';
    this.room = room;
    this.code = code;
    this.kind = kind;
    this.details = options.details;
  }

  /** `room/code`, the stable identifier clients match on. */
  get reasonCode(): string {
    return `${this.room}/${this.code}`;
  }
}

/** Narrows an unknown thrown value to a CastellanError. */
export function isCastellanError(value: unknown): value is CastellanError {
  return value instanceof CastellanError;
}

/** A short description of any thrown value, for reasons recorded in denials. */
export function describeError(value: unknown): string {
  if (value instanceof CastellanError) return `${value.reasonCode}: ${value.message}`;
  if (value instanceof Error) return value.message;
  return String(value);
}
