import type { CastellanConfig } from '../../config/index.js';
import { describeError } from '../../core/index.js';
import { resolveDataRules, type GuardSettings } from '../../guard/index.js';
import { ApiError } from '../errors.js';

/** The guard settings of a home: its data rules over the defaults, and its budgets. */
export function guardSettingsFor(config: Pick<CastellanConfig, 'guard'>): GuardSettings {
  try {
    return { rules: resolveDataRules(config.guard.rules), budgets: config.guard.budgets };
  } catch (error) {
    // A rule that would let a secret out is a settings error: refuse to start with it.
    throw new ApiError('bad-input', `settings guard.rules: ${describeError(error)}`);
  }
}
