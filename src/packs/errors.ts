import { CastellanError, type ErrorKind } from '../core/index.js';

/** Codes the packs room raises. */
export type PackErrorCode =
  | 'invalid-manifest'
  | 'unreadable'
  | 'invalid-args'
  | 'unknown-tool'
  | 'ambiguous-tool'
  | 'pack-not-allowed'
  | 'unsigned-pack-refused'
  | 'invalid-key'
  | 'invalid-pin'
  | 'pack-not-pinned'
  | 'pin-mismatch'
  | 'pack-not-admitted'
  | 'pack-quarantined'
  | 'signer-not-trusted'
  | 'pack-state-unavailable'
  | 'mcp-tool-changed'
  | 'invalid-skill';

const kindOf: Record<PackErrorCode, ErrorKind> = {
  'invalid-manifest': 'bad-input',
  unreadable: 'bad-input',
  'invalid-args': 'bad-input',
  'unknown-tool': 'not-found',
  'ambiguous-tool': 'bad-input',
  'pack-not-allowed': 'denied',
  'unsigned-pack-refused': 'denied',
  'invalid-key': 'bad-input',
  'invalid-pin': 'bad-input',
  'pack-not-pinned': 'denied',
  'pin-mismatch': 'denied',
  'pack-not-admitted': 'denied',
  'pack-quarantined': 'denied',
  'signer-not-trusted': 'denied',
  'pack-state-unavailable': 'unavailable',
  'mcp-tool-changed': 'denied',
  'invalid-skill': 'bad-input',
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
