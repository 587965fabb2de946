import { describe, expect, it } from 'vitest';
import { headEnd, parseRequestHead } from './request-head.js';

const head = (text: string) => Buffer.from(text, 'latin1');

describe('parseRequestHead', () => {
  it('reads a CONNECT target, lower-casing the host', () => {
    expect(
      parseRequestHead(head('CONNECT API.example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n')),
    ).toEqual({ kind: 'connect', host: 'api.example.com', port: 443 });
    expect(parseRequestHead(head('CONNECT [::1]:8443 HTTP/1.1\r\n\r\n'))).toEqual({
      kind: 'connect',
      host: '::1',
      port: 8443,
    });
  });

  it('rebuilds an absolute-form request: origin-form line, the checked Host, no proxy headers', () => {
    const parsed = parseRequestHead(
      head(
        'POST http://api.example.com:8080/v1/x?q=1 HTTP/1.1\r\nHost: evil.example.net\r\n' +
          'Proxy-Authorization: Basic eA==\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n',
      ),
    );
    expect(parsed).toMatchObject({ kind: 'http', host: 'api.example.com', port: 8080 });
    const text = (parsed as { head: Buffer }).head.toString('latin1');
    expect(text).toBe(
      'POST /v1/x?q=1 HTTP/1.1\r\nHost: api.example.com:8080\r\nContent-Length: 2\r\nConnection: close\r\n\r\n',
    );
  });

  it.each([
    ['an origin-form request', 'GET /path HTTP/1.1\r\n\r\n', 'not-absolute-form'],
    ['https absolute-form', 'GET https://x.example/ HTTP/1.1\r\n\r\n', 'scheme-not-http'],
    ['a folded header', 'GET http://x.example/ HTTP/1.1\r\nA: b\r\n c\r\n\r\n', 'bad-header'],
    [
      'a header with a space before the colon',
      'GET http://x.example/ HTTP/1.1\r\nA : b\r\n\r\n',
      'bad-header',
    ],
    ['a lower-case method', 'get http://x.example/ HTTP/1.1\r\n\r\n', 'bad-request-line'],
    ['HTTP/2 in the request line', 'GET http://x.example/ HTTP/2\r\n\r\n', 'bad-request-line'],
    ['a CONNECT without a port', 'CONNECT x.example HTTP/1.1\r\n\r\n', 'bad-connect-target'],
    ['a CONNECT with userinfo', 'CONNECT u@x.example:443 HTTP/1.1\r\n\r\n', 'bad-connect-target'],
    ['a CONNECT to port 0', 'CONNECT x.example:0 HTTP/1.1\r\n\r\n', 'bad-connect-target'],
  ])('refuses %s', (_name, text, reason) => {
    expect(parseRequestHead(head(text))).toMatchObject({ kind: 'bad', reason });
  });

  it('finds the end of the head only once the blank line arrived', () => {
    expect(headEnd(head('GET http://x/ HTTP/1.1\r\nA: b\r\n'))).toBe(-1);
    expect(headEnd(head('GET http://x/ HTTP/1.1\r\n\r\nbody'))).toBe(26);
  });
});
