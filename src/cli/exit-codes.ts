import { isCastellanError } from '../core/index.js';
import type { RunStatus } from '../store/index.js';

/** The CLI's exit codes, as DESIGN.md fixes them. */
export const EXIT = { ok: 0, failure: 1, usage: 2, denied: 3, awaitingApproval: 4 } as const;

/** The exit code for a run's status. */
export function exitCodeForRun(status: RunStatus): number {
  switch (status) {
    case 'completed':
      return EXIT.ok;
    case 'denied':
      return EXIT.denied;
    case 'awaiting_approval':
      return EXIT.awaitingApproval;
    case 'needs_attention': // a person must look at the facts: a failure until then
      return EXIT.failure;
    default:
      return EXIT.failure;
  }
}

/** The exit code for an error: the one place that maps error kinds to exit codes. */
export function exitCodeForError(error: unknown): number {
  if (!isCastellanError(error)) return EXIT.failure;
  switch (error.kind) {
    case 'bad-input':
      return EXIT.usage;
    case 'forbidden':
    case 'denied':
      return EXIT.denied;
    default:
      return EXIT.failure;
  }
}
