import { CastellanError, type ErrorKind } from '../core/index.js';

/** Codes the connectors room raises; a failure of the target itself is a result, not an error. */
export type ConnectorErrorCode =
  | 'unknown-connector'
  | 'duplicate-connector'
  | 'wrong-connector'
  | 'unknown-operation'
  | 'bad-args'
  | 'bad-settings'
  | 'target-unavailable'
  | 'mcp-tool-changed'
  | 'mcp-tool-missing';

const kindOf: Record<ConnectorErrorCode, ErrorKind> = {
  'unknown-connector': 'not-found',
  'duplicate-connector': 'internal',
  'wrong-connector': 'internal',
  'unknown-operation': 'bad-input',
  'bad-args': 'bad-input',
  'bad-settings': 'unavailable',
  'target-unavailable': 'unavailable',
  'mcp-tool-changed': 'denied',
  'mcp-tool-missing': 'denied',
};

/** Errors of the connectors room: nothing was carried out. */
export class ConnectorError extends CastellanError<ConnectorErrorCode> {
  constructor(
    code: ConnectorErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('connectors', code, kindOf[code], message, options);
    this.name = 'ConnectorError';
  }
}
