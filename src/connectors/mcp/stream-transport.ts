import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * An MCP transport over a pair of streams: the stdin and stdout of a sandboxed session (the
 * SDK's stdio client would spawn the server itself, outside the sandbox). Lines from the server
 * are attacker-controlled: the SDK's buffer bounds and parses them, and a line that does not
 * parse is an error for the connection, not a crash.
 */
export class StreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer();
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  async start(): Promise<void> {
    this.input.on('data', (chunk: Buffer) => {
      try {
        this.buffer.append(chunk);
        for (
          let message = this.buffer.readMessage();
          message !== null;
          message = this.buffer.readMessage()
        )
          this.onmessage?.(message);
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.input.on('error', (error) => this.onerror?.(error));
    this.input.on('close', () => this.finish());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the MCP session is closed');
    if (!this.output.write(serializeMessage(message))) await once(this.output, 'drain');
  }

  async close(): Promise<void> {
    this.output.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }
}
