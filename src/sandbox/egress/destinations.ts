import { isIP } from 'node:net';
import type { EgressDestination } from '../port.js';

/**
 * Destination names and the allowlist. A tool declares exact `{ host, port }` pairs; the
 * operator's allowlist (`sandbox.egress.allowHosts`) holds `host`, `host:port`, `*.domain` or
 * `*.domain:port`; a step may reach what both name, and nothing else.
 */

const hostLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-case, without a trailing dot or IPv6 brackets; undefined when it is not a host name. */
export function normaliseHost(host: string): string | undefined {
  let text = host.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text.length === 0 || text.length > 253) return undefined;
  if (isIP(text) !== 0) return text;
  return text.split('.').every((label) => hostLabel.test(label)) ? text : undefined;
}

/** `host:port`, with IPv6 hosts bracketed, as destinations are written in records. */
export function formatDestination(destination: EgressDestination): string {
  const host = isIP(destination.host) === 6 ? `[${destination.host}]` : destination.host;
  return `${host}:${destination.port}`;
}

/** One allowlist entry: a host or a `*.` suffix, and a port or any port. */
interface AllowEntry {
  host: string;
  wildcard: boolean;
  port: number | undefined;
}

/** Parses an allowlist entry; throws on a malformed one so a typo is seen at start-up. */
export function parseAllowEntry(entry: string): AllowEntry {
  const match = /^(\*\.)?(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  const host = match?.[2] === undefined ? undefined : normaliseHost(match[2]);
  const port = match?.[3] === undefined ? undefined : Number(match[3]);
  if (host === undefined || (port !== undefined && (port < 1 || port > 65535))) {
    throw new TypeError(`not an egress allowlist entry: ${JSON.stringify(entry)}`);
  }
  return { host, wildcard: match?.[1] !== undefined, port };
}

function entryAllows(entry: AllowEntry, destination: EgressDestination): boolean {
  if (entry.port !== undefined && entry.port !== destination.port) return false;
  if (!entry.wildcard) return entry.host === destination.host;
  return destination.host.endsWith(`.${entry.host}`);
}

/** The outcome of intersecting a tool's declaration with the allowlist. */
export interface EgressIntersection {
  permitted: EgressDestination[];
  /** Declared destinations the allowlist does not name, as `host:port`. */
  refused: string[];
}

/**
 * Intersects what a tool declares with what the operator allows. A declared host that is not
 * a valid name is refused, never normalised into something else.
 */
export function intersectEgress(
  declared: readonly EgressDestination[],
  allowHosts: readonly string[],
): EgressIntersection {
  const entries = allowHosts.map(parseAllowEntry);
  const permitted: EgressDestination[] = [];
  const refused: string[] = [];
  for (const destination of declared) {
    const host = normaliseHost(destination.host);
    const valid = host !== undefined && Number.isInteger(destination.port);
    const normal = { host: host ?? destination.host, port: destination.port };
    if (valid && entries.some((entry) => entryAllows(entry, normal))) {
      if (!permitted.some((seen) => seen.host === normal.host && seen.port === normal.port)) {
        permitted.push(normal);
      }
    } else {
      refused.push(formatDestination(normal).slice(0, 300));
    }
  }
  return { permitted, refused };
}

/** True when the proxy may open `host:port` for this step. */
export function isPermitted(
  permitted: readonly EgressDestination[],
  destination: EgressDestination,
): boolean {
  return permitted.some(
    (entry) => entry.host === destination.host && entry.port === destination.port,
  );
}
