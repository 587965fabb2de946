import { jsonDiff, pickPaths } from '../../core/index.js';
import { deny, type StageVerdict } from '../context.js';
import type { ToolCallRequest } from '../types.js';

/**
 * Checks the resource against the state the caller expects it in, right before the call runs
 * (a rollback expects what the undone call left). A resource that changed since, or that cannot
 * be observed, is a denial: the call would overwrite someone else's change.
 */
export function stateConflict(
  request: ToolCallRequest,
  observed: unknown,
): StageVerdict | undefined {
  const expected = request.expectState;
  if (expected === undefined) return undefined;
  if (
    observed === undefined ||
    (observed as { unobservable?: unknown })?.unobservable !== undefined
  ) {
    return deny(
      'state-unknown',
      `cannot confirm ${expected.why}: the resource cannot be observed`,
      {
        detail: { observed: observed ?? null },
      },
    );
  }
  const differences = jsonDiff(expected.value, pickPaths(observed, expected.fields));
  if (differences.length === 0) return undefined;
  return deny(
    'state-conflict',
    `${expected.why}, but it changed since: ${differences
      .slice(0, 5)
      .map(
        (change) =>
          `${change.path || '(whole)'} ${JSON.stringify(change.from ?? null)} → ${JSON.stringify(change.to ?? null)}`,
      )
      .join('; ')}`,
    { detail: { expected: expected.value, differences } },
  );
}
