import { lookup } from 'node:dns/promises';
import { createConnection, createServer, isIP, type Server, type Socket } from 'node:net';
import type { EgressConnection, EgressDestination } from '../port.js';
import { addressRefusal, type AddressAllowance } from './address-rules.js';
import { formatDestination, isPermitted } from './destinations.js';
import type { RunAccount } from './egress-ledger.js';
import { headEnd, maxHeadBytes, parseRequestHead, type ProxyRequest } from './request-head.js';
import { refusalResponse } from './refusal.js';

/** Resolves a host name to the addresses it would be reached at. */
export type Resolver = (host: string) => Promise<string[]>;

/** Settings of one step's proxy. */
export interface StepProxyOptions {
  /** Host path of the Unix socket the proxy listens on, bound into the sandbox. */
  socketPath: string;
  /** Exact destinations this step may reach (the tool's declaration ∩ the allowlist). */
  permitted: readonly EgressDestination[];
  /** Forbidden ranges the operator allowed anyway. */
  allowance: AddressAllowance;
  /** The run's byte budget, shared by all of its steps. */
  account: RunAccount;
  resolve?: Resolver;
  connectTimeoutMs?: number;
}

const maxRecords = 200;
const maxConcurrent = 64;

const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** Rejects after `ms`, so a stalled resolver or connect cannot hold a connection open forever. */
function withTimeout<T>(promise: Promise<T>, ms: number, reason: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(reason)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A step's egress proxy: HTTP absolute-form and CONNECT over a Unix socket that only this step
 * can reach, so the socket identifies the step and no credential is needed. Each connection is
 * checked (allowlist, resolved address), counted against the run's budget, cut when the budget
 * is spent, and recorded.
 */
export class StepProxy {
  readonly connections: EgressConnection[] = [];
  omitted = 0;
  bytesIn = 0;
  bytesOut = 0;
  private readonly sockets = new Set<Socket>();
  private readonly resolve: Resolver;
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly options: StepProxyOptions,
  ) {
    this.resolve = options.resolve ?? systemResolver;
    server.on('connection', (client) => this.accept(client));
  }

  /** Starts listening on the socket path; the caller owns the proxy and must close it. */
  static async start(options: StepProxyOptions): Promise<StepProxy> {
    // Half-open: a client that shuts down its sending side after the request (socat, `curl -T`)
    // must still get the response, or the refusal it is owed.
    const server = createServer({ allowHalfOpen: true });
    const proxy = new StepProxy(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  /** Stops accepting and ends every open connection (the step is over); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private record(entry: EgressConnection): EgressConnection {
    if (this.connections.length < maxRecords) this.connections.push(entry);
    else this.omitted += 1;
    return entry;
  }

  private refuse(client: Socket, entry: EgressConnection, status: number): void {
    entry.outcome = 'refused';
    client.end(refusalResponse(status, entry.reason ?? 'refused'));
  }

  private accept(client: Socket): void {
    this.track(client);
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = headEnd(buffered);
      if (end === -1 && buffered.length <= maxHeadBytes) return;
      client.off('data', onData);
      client.pause();
      const entry = this.record({
        destination: '',
        method: 'unknown',
        outcome: 'refused',
        bytesIn: 0,
        bytesOut: 0,
      });
      if (end === -1 || end > maxHeadBytes) {
        entry.reason = 'head-too-large';
        this.refuse(client, entry, 431);
        return;
      }
      const request = parseRequestHead(buffered.subarray(0, end));
      void this.serve(client, entry, request, buffered.subarray(end));
    };
    client.on('data', onData);
    // A client that stops sending before its head is complete will never be served.
    client.once('end', () => {
      if (headEnd(buffered) === -1) client.destroy();
    });
  }

  private async serve(
    client: Socket,
    entry: EgressConnection,
    request: ProxyRequest,
    rest: Buffer,
  ): Promise<void> {
    if (request.kind === 'bad') {
      entry.destination = request.destination ?? '';
      entry.reason = request.reason;
      this.refuse(client, entry, 400);
      return;
    }
    const destination = { host: request.host, port: request.port };
    entry.destination = formatDestination(destination);
    entry.method = request.kind === 'connect' ? 'CONNECT' : 'HTTP';
    const refusal = this.check(destination);
    if (refusal !== undefined) {
      entry.reason = refusal;
      this.refuse(client, entry, 403);
      return;
    }
    let address: string;
    try {
      address = await this.pickAddress(destination.host);
    } catch (error) {
      entry.reason = (error as Error).message;
      this.refuse(client, entry, entry.reason.startsWith('forbidden-address') ? 403 : 502);
      return;
    }
    entry.address = address;
    let upstream: Socket;
    try {
      upstream = await this.connect(address, destination.port);
    } catch {
      entry.reason = 'upstream-failed';
      this.refuse(client, entry, 502);
      return;
    }
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    entry.outcome = 'allowed';
    const first = request.kind === 'http' ? Buffer.concat([request.head, rest]) : rest;
    if (request.kind === 'connect') client.write('HTTP/1.1 200 Connection established\r\n\r\n');
    this.pipe(client, upstream, entry, first);
  }

  /** The reason to refuse before any lookup, or undefined. */
  private check(destination: EgressDestination): string | undefined {
    if (!isPermitted(this.options.permitted, destination)) return 'not-allowlisted';
    if (this.options.account.spent) return 'budget';
    if (this.sockets.size > maxConcurrent * 2) return 'too-many-connections';
    return undefined;
  }

  /** Resolves once and returns an address that passed the checks; it is the one connected to. */
  private async pickAddress(host: string): Promise<string> {
    let addresses: string[];
    if (isIP(host) !== 0) addresses = [host];
    else {
      try {
        addresses = await withTimeout(this.resolve(host), 5000, 'dns-timeout');
      } catch (error) {
        throw new Error((error as Error).message === 'dns-timeout' ? 'dns-timeout' : 'dns-failed');
      }
    }
    let firstRefusal = 'dns-failed';
    for (const address of addresses) {
      const refusal = addressRefusal(address, this.options.allowance);
      if (refusal === undefined) return address;
      if (firstRefusal === 'dns-failed') firstRefusal = refusal;
    }
    throw new Error(firstRefusal);
  }

  private connect(address: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: address, port });
      this.track(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect-timeout'));
      }, this.options.connectTimeoutMs ?? 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Forwards both ways, charging every chunk to the run before it is forwarded. */
  private pipe(client: Socket, upstream: Socket, entry: EgressConnection, first: Buffer): void {
    const cut = (): void => {
      entry.outcome = 'cut';
      entry.reason = 'budget';
      client.destroy();
      upstream.destroy();
    };
    const forward = (chunk: Buffer, direction: 'in' | 'out', to: Socket, from: Socket): void => {
      if (chunk.length === 0) return;
      if (!this.options.account.charge(direction, chunk.length)) {
        cut();
        return;
      }
      if (direction === 'in') {
        entry.bytesIn += chunk.length;
        this.bytesIn += chunk.length;
      } else {
        entry.bytesOut += chunk.length;
        this.bytesOut += chunk.length;
      }
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    };
    forward(first, 'out', upstream, client);
    client.on('data', (chunk: Buffer) => forward(chunk, 'out', upstream, client));
    upstream.on('data', (chunk: Buffer) => forward(chunk, 'in', client, upstream));
    // The client may have finished sending while its destination was being checked.
    if (client.readableEnded) upstream.end();
    else client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', (hadError) => (hadError ? client.destroy() : client.end()));
    client.resume();
  }
}
