import { Worker } from 'node:worker_threads';
import { rowFacts, type RowFacts } from './row-facts.mjs';

interface Reply {
  id: number;
  facts: RowFacts;
  /** How long the worker computed, by its own clock. */
  ms: number;
}

interface Waiter {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** A page whose worker share is on its way; `finish` completes it. */
export interface FactsJob {
  readonly texts: readonly string[];
  /** How many leading texts the worker computes. */
  readonly split: number;
  readonly remote: Promise<Reply> | undefined;
  /** Whether the texts are parsed too (see rowFacts). */
  readonly parse: boolean;
}

/**
 * Row facts (hashes, leaf hashes, the seq and prevHash a text claims) computed on two threads,
 * so that a verify uses both cores of a small machine: `begin` hands the leading share of a page
 * to a worker thread, the caller goes on with other work (reading the next page and handing it
 * over too, checking the previous one), and `finish` computes the rest here and joins the two.
 * The share is set from measured costs so that both threads finish a page together. The worker
 * only computes; every decision stays with the caller, and when the worker fails or exits this
 * thread computes everything itself (same code, same result).
 */
export class ParallelFacts {
  private worker: Worker | undefined;
  private stopped = false;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiter>();
  // Measured costs, in milliseconds: a row's facts here and in the worker, and this thread's
  // other work per page (reading the next page, checking the last: between two finishes).
  private localPerRow = 0.01;
  private workerPerRow = 0.01;
  private otherPerPage = 0;
  private lastFinished: number | undefined;

  /**
   * Starts the worker. Its first share waits in its queue while it loads (a few milliseconds,
   * about as long as this thread's first share takes).
   */
  start(): void {
    if (this.worker !== undefined || this.stopped) return;
    const worker = new Worker(new URL('./row-facts-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (reply: Reply) => this.receive(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`row facts worker exited with ${code}`)));
    this.worker = worker;
  }

  /** Sends the worker its share of `texts` (none when there is no worker or few texts). */
  begin(texts: readonly string[], parse = true): FactsJob {
    const worker = this.worker;
    if (worker === undefined || texts.length < 64) {
      return { texts, split: 0, remote: undefined, parse };
    }
    // Both threads should finish a page together: the worker's share s takes s * workerPerRow,
    // this thread's other work plus the rest takes otherPerPage + (n - s) * localPerRow.
    const count = texts.length;
    const ideal =
      (this.otherPerPage + count * this.localPerRow) / (this.workerPerRow + this.localPerRow);
    const split = Math.round(Math.min(0.95 * count, Math.max(0.1 * count, ideal)));
    const id = (this.nextId += 1);
    const remote = new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
    // Marked handled here; finish awaits it and falls back when it failed.
    remote.catch(() => undefined);
    worker.postMessage({ id, texts: texts.slice(0, split), parse });
    return { texts, split, remote, parse };
  }

  /** Computes this thread's share and returns the facts of all the job's texts, in order. */
  async finish(job: FactsJob): Promise<RowFacts> {
    const started = performance.now();
    if (this.lastFinished !== undefined) this.otherPerPage = started - this.lastFinished;
    if (job.remote === undefined) {
      const facts = rowFacts(job.texts, job.parse);
      this.lastFinished = performance.now();
      return facts;
    }
    const local = rowFacts(job.texts.slice(job.split), job.parse);
    const localMs = performance.now() - started;
    let reply: Reply;
    try {
      reply = await job.remote;
    } catch {
      return rowFacts(job.texts, job.parse);
    }
    const head = reply.facts;
    this.localPerRow = localMs / Math.max(1, job.texts.length - job.split);
    this.workerPerRow = reply.ms / Math.max(1, job.split);
    const facts = join(head, local);
    this.lastFinished = performance.now();
    return facts;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.stopped = true;
    if (worker !== undefined) await worker.terminate();
  }

  private receive(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (waiter === undefined) return;
    this.waiting.delete(reply.id);
    waiter.resolve(reply);
  }

  private fail(error: Error): void {
    this.stopped = true;
    this.worker = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

function join(head: RowFacts, tail: RowFacts): RowFacts {
  const leaves = new Uint8Array(head.leaves.length + tail.leaves.length);
  leaves.set(head.leaves, 0);
  leaves.set(tail.leaves, head.leaves.length);
  const seqs = new Float64Array(head.seqs.length + tail.seqs.length);
  seqs.set(head.seqs, 0);
  seqs.set(tail.seqs, head.seqs.length);
  return {
    hashes: head.hashes.concat(tail.hashes),
    prevHashes: head.prevHashes.concat(tail.prevHashes),
    seqs,
    leaves,
  };
}
