import type { PolicyDecision } from './types.js';

const MAX_KEY_LENGTH = 16 * 1024;

/**
 * Decisions of one loaded policy set by the exact JSON text of the request Cedar was given.
 * Cedar's answer is a pure function of the policy set and that text, so a hit is the answer
 * Cedar would give again; a run repeats the same request for each call of the same tool, and
 * after trimming to what the policies read most requests repeat. Bounded: the oldest entry
 * goes first, and a request text past 16 KiB (large arguments a policy reads) is not kept, so
 * the cache stays within a few MiB whatever the calls carry. Each hit is a copy, so no caller
 * can change what a later one receives.
 */
export class DecisionCache {
  readonly #decisions = new Map<string, PolicyDecision>();

  constructor(private readonly capacity = 512) {}

  /** The decision remembered for this request text, as a fresh copy; undefined if none. */
  get(key: string): PolicyDecision | undefined {
    const decision = this.#decisions.get(key);
    return decision === undefined ? undefined : copyOf(decision);
  }

  /** Remembers a decision Cedar made on this request text. */
  set(key: string, decision: PolicyDecision): void {
    if (key.length > MAX_KEY_LENGTH) return;
    if (this.#decisions.size >= this.capacity) {
      const oldest = this.#decisions.keys().next();
      if (oldest.done !== true) this.#decisions.delete(oldest.value);
    }
    this.#decisions.set(key, copyOf(decision));
  }
}

function copyOf(decision: PolicyDecision): PolicyDecision {
  const copy = { ...decision, policyIds: [...decision.policyIds] };
  if ('reasons' in copy) copy.reasons = [...copy.reasons];
  if ('approval' in copy) copy.approval = { ...copy.approval };
  if (copy.effect !== 'deny' && copy.allowedData !== undefined)
    copy.allowedData = [...copy.allowedData];
  return copy;
}
