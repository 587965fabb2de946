import type { RevocationStateRepository } from '../store/index.js';
import { TokenError } from './errors.js';
import { judgeRevocation, type RevocableClaims } from './revocation-check.js';
import { toRevocationError } from './revocation-answer.js';

/** A call in flight under watch: its signal fires when its token stops counting. */
export interface WatchedCall {
  readonly signal: AbortSignal;
  /** Stops watching; call it when the call ends, whatever its outcome. */
  release(): void;
}

/** How often to look, and how long a store that cannot answer is tolerated. */
export interface WatcherOptions {
  intervalMs: number;
  /** A call whose revocation state cannot be read for this long is aborted (fail closed). */
  unreadableForMs?: number;
  now?: () => number;
}

interface Entry {
  orgId: string;
  claims: RevocableClaims;
  controller: AbortController;
  failingSince: number | undefined;
}

/**
 * Watches tool calls in flight and aborts each one whose token is revoked, whose agent, user or
 * run gets a revocation epoch, or when the kill switch turns on, also when another process
 * sharing the store made the change. It polls only while calls are in flight, one status read
 * per call per tick. One owner (the application service) creates it and disposes it.
 */
export class RevocationWatcher {
  readonly #entries = new Set<Entry>();
  readonly #unreadableForMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #disposed = false;

  constructor(
    private readonly state: Pick<RevocationStateRepository, 'status'>,
    private readonly options: WatcherOptions,
  ) {
    this.#unreadableForMs = options.unreadableForMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Starts watching one call; the caller passes the signal to the connector. */
  watch(orgId: string, claims: RevocableClaims): WatchedCall {
    const entry: Entry = {
      orgId,
      claims,
      controller: new AbortController(),
      failingSince: undefined,
    };
    if (this.#disposed) {
      entry.controller.abort(
        new TokenError('revocation-unavailable', 'the revocation watcher is closed'),
      );
      return { signal: entry.controller.signal, release: () => undefined };
    }
    this.#entries.add(entry);
    this.#schedule();
    return { signal: entry.controller.signal, release: () => this.#entries.delete(entry) };
  }

  /** How many calls are watched now (for tests and doctor). */
  get watching(): number {
    return this.#entries.size;
  }

  /** Stops polling for good; calls still watched keep running but are no longer checked. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#disposed || this.#entries.size === 0) return;
    this.#timer = setTimeout(() => void this.#tick(), this.options.intervalMs);
    // A watcher alone must not keep a process alive.
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    await Promise.all([...this.#entries].map((entry) => this.#check(entry)));
    this.#timer = undefined;
    this.#schedule();
  }

  async #check(entry: Entry): Promise<void> {
    if (entry.controller.signal.aborted) return void this.#entries.delete(entry);
    try {
      const status = await this.state.status(entry.orgId, {
        jti: entry.claims.jti,
        agentId: entry.claims.act.sub,
        userId: entry.claims.sub,
        runId: entry.claims.runId,
      });
      entry.failingSince = undefined;
      const answer = judgeRevocation(status, entry.claims.iat);
      if (answer !== false) this.#abort(entry, toRevocationError(answer));
    } catch (cause) {
      entry.failingSince ??= this.#now();
      if (this.#now() - entry.failingSince >= this.#unreadableForMs) {
        this.#abort(
          entry,
          new TokenError('revocation-unavailable', 'the revocation state could not be read', {
            cause,
          }),
        );
      }
    }
  }

  #abort(entry: Entry, reason: TokenError): void {
    this.#entries.delete(entry);
    entry.controller.abort(reason);
  }
}
