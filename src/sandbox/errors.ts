import { CastellanError, type ErrorKind } from '../core/index.js';

/** Codes the sandbox room raises; `unavailable` means nothing ran. */
export type SandboxErrorCode = 'unavailable' | 'timeout' | 'bad-spec';

const kindOf: Record<SandboxErrorCode, ErrorKind> = {
  unavailable: 'unavailable',
  timeout: 'unavailable',
  'bad-spec': 'bad-input',
};

/** Errors of the sandbox room; the message says what failed and how to fix it. */
export class SandboxError extends CastellanError<SandboxErrorCode> {
  constructor(
    code: SandboxErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('sandbox', code, kindOf[code], message, options);
    this.name = 'SandboxError';
  }
}
