/** One open stream the server must end when it closes. */
export interface OpenStream {
  stop(reason: string): void;
}

/**
 * Owns the server's long-lived event streams, so closing the server ends them instead of
 * waiting on clients that never hang up.
 */
export class EventStreams {
  private readonly open = new Set<OpenStream>();

  /** Registers a stream; the returned function forgets it once it has ended. */
  add(stream: OpenStream): () => void {
    this.open.add(stream);
    return () => this.open.delete(stream);
  }

  /** How many streams are open. */
  get size(): number {
    return this.open.size;
  }

  /** Ends every open stream. */
  stopAll(reason: string): void {
    for (const stream of [...this.open]) stream.stop(reason);
    this.open.clear();
  }
}
