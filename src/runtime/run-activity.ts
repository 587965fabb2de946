/** Something that happened to a run, announced in this process before (or instead of) a poll. */
export type RunActivity =
  { kind: 'audit-appended'; seq: number; type: string } | { kind: 'model-delta'; text: string };

/** Listens to one run's activity. */
export type RunActivityListener = (activity: RunActivity) => void;

/**
 * In-process announcements of run activity: a new audit entry of a run, or a piece of model
 * text as it streams. Event streams in the same process wake on these instead of waiting for
 * their next poll; streams in other processes still poll the store, which stays the truth.
 * Listeners that throw are dropped, so one broken stream cannot stop a run.
 */
export class RunActivityBus {
  private readonly listeners = new Map<string, Set<RunActivityListener>>();

  /** Listens to a run; the returned function stops listening. */
  subscribe(runId: string, listener: RunActivityListener): () => void {
    let set = this.listeners.get(runId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(runId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }

  /** Announces activity of a run to whoever listens. */
  publish(runId: string, activity: RunActivity): void {
    const set = this.listeners.get(runId);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(activity);
      } catch {
        set.delete(listener);
      }
    }
  }

  /** How many runs have listeners (for tests and leak checks). */
  get watchedRuns(): number {
    return this.listeners.size;
  }
}
