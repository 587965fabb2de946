/** Default slack past the cap before a flooding step is killed. */
const minimumFloodAllowance = 1024 * 1024;

/**
 * Keeps the first `limit` bytes of a stream and counts the rest. Memory stays bounded by the
 * limit however much the step writes; `push` reports when the step keeps writing well past the
 * cap, so the caller can stop reading and kill it instead of draining forever.
 */
export class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;
  private readonly floodAt: number;

  constructor(private readonly limit: number) {
    this.floodAt = limit + Math.max(limit, minimumFloodAllowance);
  }

  /** Adds a chunk; returns `flooding` once the stream has run far past the cap. */
  push(chunk: Buffer): 'ok' | 'flooding' {
    this.seen += chunk.length;
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    return this.seen > this.floodAt ? 'flooding' : 'ok';
  }

  /** True when bytes were dropped. */
  get truncated(): boolean {
    return this.seen > this.limit;
  }

  /** The kept bytes as UTF-8 (a character cut at the cap becomes U+FFFD). */
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}
