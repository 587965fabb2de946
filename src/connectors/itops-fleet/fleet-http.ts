import { ConnectorError } from '../errors.js';
import type { ConnectorSettings } from '../port.js';

/** Limits on a call to the fleet manager. */
export interface FleetHttpOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  fetch: typeof fetch;
}

/** The fleet's answer, or why there is none; a failing target is a result, not a thrown error. */
export type FleetAnswer =
  { ok: true; body: unknown } | { ok: false; error: string; status?: number };

/** The manager's base URL from `settings['itops-fleet'].url`: http or https, else bad-settings. */
export function fleetBaseUrl(settings: ConnectorSettings): URL {
  const value = settings['itops-fleet']?.url;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConnectorError(
      'bad-settings',
      'the setting itops-fleet.url must be an http(s) URL of the fleet manager',
      {
        details: { setting: 'itops-fleet.url' },
      },
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/**
 * One JSON request to the fleet manager. The answer comes from a target system, so it is read
 * with a size limit (declared and counted), no redirects, a timeout, and a guarded JSON parse.
 */
export async function fleetRequest(
  base: URL,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: FleetHttpOptions,
  signal?: AbortSignal,
  requestBody?: unknown,
): Promise<FleetAnswer> {
  const url = new URL(path, base);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await options.fetch(url, {
      method,
      redirect: 'error',
      headers:
        requestBody === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ...(requestBody === undefined ? {} : { body: JSON.stringify(requestBody) }),
      signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
    });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : describe(error);
    return { ok: false, error: `fleet manager unreachable at ${url.origin}: ${reason}` };
  }
  let text: string | undefined;
  try {
    text = await readLimited(response, options.maxResponseBytes);
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : describe(error);
    return {
      ok: false,
      status: response.status,
      error: `reading the fleet answer failed: ${reason}`,
    };
  }
  if (text === undefined) {
    return {
      ok: false,
      status: response.status,
      error: `fleet answer larger than ${options.maxResponseBytes} bytes`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      status: response.status,
      error: `fleet answered ${response.status} with a body that is not JSON`,
    };
  }
  if (!response.ok) {
    const said =
      typeof (body as { error?: unknown })?.error === 'string'
        ? `: ${(body as { error: string }).error.slice(0, 500)}`
        : '';
    return {
      ok: false,
      status: response.status,
      error: `fleet answered ${response.status}${said}`,
    };
  }
  return { ok: true, body };
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    return declared > limit ? undefined : '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
