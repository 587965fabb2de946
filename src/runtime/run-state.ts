import type { RunStatus } from '../store/index.js';

/** States a run never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'completed',
  'failed',
  'denied',
  'cancelled',
]);

/** The moves the run state machine allows. */
const ALLOWED: Record<RunStatus, RunStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['awaiting_approval', 'completed', 'failed', 'denied', 'cancelled', 'needs_attention'],
  awaiting_approval: ['running', 'denied', 'cancelled', 'failed'],
  completed: [],
  failed: [],
  denied: [],
  cancelled: [],
  // A person looks at the facts, settles the resource by hand, then cancels or fails the run.
  needs_attention: ['cancelled', 'failed'],
};

/** Whether a run may move from one status to another. */
export function canMove(from: RunStatus, to: RunStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Whether a status is final. */
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * Whether a run needs nothing more from any process until a person acts: it ended, it waits for
 * an approval, or it stopped for attention after a crash.
 */
export function isAtRest(status: RunStatus): boolean {
  return isTerminal(status) || status === 'awaiting_approval' || status === 'needs_attention';
}
