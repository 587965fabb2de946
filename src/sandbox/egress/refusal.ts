/** Reason phrases of the statuses the proxy answers with. */
const phrases: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  431: 'Request Header Fields Too Large',
  502: 'Bad Gateway',
};

/**
 * The response a refused connection gets: the status, and the reason code in the body so a
 * tool's output says why its request failed. The reason is one of the proxy's own codes, never
 * text taken from the request.
 */
export function refusalResponse(status: number, reason: string): string {
  const body = `castellan egress proxy refused this connection: ${reason}\n`;
  return [
    `HTTP/1.1 ${status} ${phrases[status] ?? 'Refused'}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Castellan-Egress: refused; reason=${reason}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
