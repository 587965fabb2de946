import { CastellanError } from '../core/index.js';

/** Why the policy room refused: a bad policy set, or an engine that cannot run. */
export type PolicyErrorCode =
  | 'invalid-policy'
  | 'engine-unavailable'
  | 'duplicate-id'
  | 'missing-id'
  // The installed packs do not make a usable Cedar schema (a bad type name, a clash).
  | 'invalid-schema';

/** The policy room's error; its message names the file and the policy where there is one. */
export class PolicyError extends CastellanError<PolicyErrorCode> {
  constructor(
    code: PolicyErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    // A policy set an operator wrote is bad input; a wasm engine that will not load is not.
    super(
      'policy',
      code,
      code === 'engine-unavailable' ? 'unavailable' : 'bad-input',
      message,
      options,
    );
    this.name = 'PolicyError';
  }
}
