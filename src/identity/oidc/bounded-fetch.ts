/** Why fetching an issuer document failed: no answer, or an answer that is not a JSON object. */
export type FetchFailure =
  { kind: 'unreachable'; detail: string } | { kind: 'unusable'; detail: string };

/** The outcome of one bounded fetch. */
export type FetchOutcome =
  { ok: true; value: Record<string, unknown> } | ({ ok: false } & FetchFailure);

/** Issuer documents larger than this are refused unread: no discovery or key set is near it. */
export const MAX_ISSUER_DOCUMENT_BYTES = 256 * 1024;

/**
 * Fetches a JSON object from an issuer with a deadline and a size cap. The issuer (or whoever
 * answers in its place) is not trusted: the body is read in chunks up to the cap, never
 * redirected to another origin, and must parse as a JSON object.
 */
export async function fetchIssuerJson(url: string, timeoutMs: number): Promise<FetchOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
  } catch (error) {
    return { ok: false, kind: 'unreachable', detail: `${url}: ${describe(error)}` };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    // A 5xx is the issuer being down; a 4xx means the URL or issuer setting is wrong.
    const kind = response.status >= 500 ? 'unreachable' : 'unusable';
    return { ok: false, kind, detail: `${url} answered HTTP ${response.status}` };
  }
  let text: string;
  try {
    text = await readBounded(response, MAX_ISSUER_DOCUMENT_BYTES);
  } catch (error) {
    return { ok: false, kind: 'unusable', detail: `${url}: ${describe(error)}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'unusable', detail: `${url} did not answer JSON` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, kind: 'unusable', detail: `${url} did not answer a JSON object` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the document exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code !== undefined ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
