/** Longest line passed on; a child that never writes a newline cannot grow our memory. */
const maxLineLength = 64 * 1024;

/** Splits a byte stream into lines, cutting any line longer than the cap. */
export class LineSplitter {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds a chunk; calls onLine for each complete line. */
  push(chunk: string): void {
    const parts = (this.pending + chunk).split('\n');
    this.pending = parts.pop() ?? '';
    for (const part of parts) this.onLine(part.replace(/\r$/, '').slice(0, maxLineLength));
    if (this.pending.length > maxLineLength) {
      this.onLine(this.pending.slice(0, maxLineLength));
      this.pending = '';
    }
  }

  /** Passes on a last line that had no newline. */
  flush(): void {
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }
}

/** Keeps only the last `limit` characters of a stream, e.g. stderr for an error message. */
export class TailBuffer {
  private text = '';

  constructor(private readonly limit: number) {}

  /** Appends a chunk, dropping the oldest characters past the limit. */
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  /** The kept tail. */
  toString(): string {
    return this.text;
  }
}
