import { isIP } from 'node:net';
import { normaliseHost } from './destinations.js';

/**
 * Parses the first request a step sends its proxy. Everything here is attacker-controlled (the
 * step is untrusted code): the head is bounded, the request line must be exactly one of the two
 * forms a proxy serves, and the forwarded head is rebuilt rather than passed through, so the
 * `Host` the destination sees is the one that was checked.
 */

/** Largest request head accepted; more is refused as a bad request. */
export const maxHeadBytes = 16 * 1024;

/** What the step asked for. */
export type ProxyRequest =
  | { kind: 'connect'; host: string; port: number }
  | { kind: 'http'; host: string; port: number; head: Buffer }
  | { kind: 'bad'; reason: string; destination?: string };

/** Headers that concern the hop to the proxy, or that the proxy sets itself. */
const dropped = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
]);

/** Index just past the blank line that ends the head, or -1 while it has not arrived. */
export function headEnd(buffer: Buffer): number {
  const index = buffer.indexOf('\r\n\r\n');
  return index === -1 ? -1 : index + 4;
}

function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/@]+):(\d{1,5})$/.exec(authority);
  if (match === null) return undefined;
  const host = normaliseHost(match[1] ?? '');
  const port = Number(match[2]);
  return host === undefined || port < 1 || port > 65535 ? undefined : { host, port };
}

/** Parses a complete head (request line and header lines, ending in a blank line). */
export function parseRequestHead(head: Buffer): ProxyRequest {
  const text = head.toString('latin1');
  const lines = text.slice(0, -4).split('\r\n');
  const requestLine = /^([A-Z]{1,20}) (\S{1,8192}) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (requestLine === null) return { kind: 'bad', reason: 'bad-request-line' };
  const method = requestLine[1] ?? '';
  const target = requestLine[2] ?? '';
  if (method === 'CONNECT') {
    const authority = parseAuthority(target);
    if (authority === undefined) {
      return { kind: 'bad', reason: 'bad-connect-target', destination: target.slice(0, 300) };
    }
    return { kind: 'connect', ...authority };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { kind: 'bad', reason: 'not-absolute-form', destination: target.slice(0, 300) };
  }
  // https:// absolute-form would send TLS-less bytes to a TLS port; clients use CONNECT for it.
  if (url.protocol !== 'http:') {
    return { kind: 'bad', reason: 'scheme-not-http', destination: target.slice(0, 300) };
  }
  const host = normaliseHost(url.hostname);
  const port = url.port === '' ? 80 : Number(url.port);
  if (host === undefined) return { kind: 'bad', reason: 'bad-host', destination: url.host };
  const headers: string[] = [];
  for (const line of lines.slice(1)) {
    // Folded or malformed header lines are how request smuggling starts: refuse them.
    const header = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (header === null)
      return { kind: 'bad', reason: 'bad-header', destination: hostPort(host, port) };
    if (!dropped.has((header[1] ?? '').toLowerCase())) headers.push(line);
  }
  const origin = `${url.pathname}${url.search}`;
  const hostHeader = port === 80 ? (isIP(host) === 6 ? `[${host}]` : host) : hostPort(host, port);
  const rebuilt = [
    `${method} ${origin} HTTP/1.1`,
    `Host: ${hostHeader}`,
    ...headers,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return { kind: 'http', host, port, head: Buffer.from(rebuilt, 'latin1') };
}
