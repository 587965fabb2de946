import { CastellanError, type ErrorKind } from '../core/index.js';

export type RuntimeErrorCode =
  | 'run-not-found'
  | 'agent-not-found'
  | 'planner-unknown'
  | 'conflict'
  | 'bad-plan'
  | 'model-profile-unknown'
  | 'model-unavailable';

const kinds: Record<RuntimeErrorCode, ErrorKind> = {
  'run-not-found': 'not-found',
  'agent-not-found': 'not-found',
  'planner-unknown': 'bad-input',
  conflict: 'conflict',
  'bad-plan': 'bad-input',
  'model-profile-unknown': 'bad-input',
  'model-unavailable': 'unavailable',
};

/** Errors of the runtime room. */
export class RuntimeError extends CastellanError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string) {
    super('runtime', code, kinds[code], message);
  }
}
