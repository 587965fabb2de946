import { CastellanError, type ErrorKind } from '../core/index.js';

/** Codes the packs room raises. */
export type PackErrorCode =
  | 'invalid-manifest'
  | 'unreadable'
  | 'invalid-args'
  | 'unknown-tool'
  | 'ambiguous-tool'
  | 'pack-not-allowed'
  | 'unsigned-pack-refused';

const kindOf: Record<PackErrorCode, ErrorKind> = {
  'invalid-manifest': 'bad-input',
  unreadable: 'bad-input',
  'invalid-args': 'bad-input',
  'unknown-tool': 'not-found',
  'ambiguous-tool': 'bad-input',
  'pack-not-allowed': 'denied',
  'unsigned-pack-refused': 'denied',
};

/** Errors of the packs room; the message names the file or the tool and what is wrong. */
export class PackError extends CastellanError<PackErrorCode> {
  constructor(
    code: PackErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('packs', code, kindOf[code], message, options);
    this.name = 'PackError';
  }
}
