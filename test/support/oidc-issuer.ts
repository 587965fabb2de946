/**
 * A real OIDC provider (the npm package oidc-provider) on 127.0.0.1, issuing RFC 9068 JWT access
 * tokens by the client-credentials grant with a resource indicator. Each client stands for one
 * person or service; its `groups` claim is what Castellan maps to roles. The issuer can be told
 * to misbehave (garbage key set, garbage discovery, a discovery naming another issuer, silence)
 * without restarting, and hands out its signing key so tests can craft tokens it "signed".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import Provider from 'oidc-provider';

/** The API audience tokens carry unless a test asks for another resource. */
export const API_AUDIENCE = 'castellan-api';
export const API_RESOURCE = 'https://castellan.test/api';
export const OTHER_RESOURCE = 'https://elsewhere.test/api';

/** Clients (one per identity) and the groups each one's tokens carry. */
export const CLIENT_GROUPS: Record<string, string[]> = {
  'ops-app': ['castellan-operators'],
  'admin-app': ['castellan-admins', 'everyone'],
  'sec-app': ['castellan-security'],
  'nobody-app': ['everyone'],
};

const SECRET = 'test-secret-that-is-long-enough-0123456789';

/** How the issuer answers: normally, or in one of the broken ways tests need. */
export type IssuerMode =
  'normal' | 'garbage-jwks' | 'garbage-discovery' | 'wrong-issuer' | 'silent';

/** A running issuer. */
export interface TestIssuer {
  issuer: string;
  privateKey: CryptoKey;
  kid: string;
  mode: IssuerMode;
  /** How many times the key set was fetched. */
  jwksFetches: number;
  /** An access token for a client, from the real token endpoint. */
  token(client: string, resource?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts an issuer on a free port of 127.0.0.1. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: Object.keys(CLIENT_GROUPS).map((client_id) => ({
      client_id,
      client_secret: SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    jwks: { keys: [jwk] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 'api',
          audience: resource === API_RESOURCE ? API_AUDIENCE : 'elsewhere-api',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { ClientCredentials: 300 },
    extraTokenClaims: async (_ctx: unknown, token: { clientId?: string }) => ({
      groups: CLIENT_GROUPS[token.clientId ?? ''] ?? [],
      name: `${token.clientId ?? 'unknown'} (test)`,
    }),
  });
  const handle = provider.callback();
  const state: TestIssuer = {
    issuer,
    privateKey,
    kid,
    mode: 'normal',
    jwksFetches: 0,
    async token(client, resource = API_RESOURCE) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client}:${SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (body.access_token === undefined) throw new Error(`no token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '';
    if (path.startsWith('/jwks')) state.jwksFetches += 1;
    if (state.mode === 'silent' && request.method === 'GET') return; // never answers
    if (state.mode === 'garbage-jwks' && path.startsWith('/jwks')) {
      return void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"keys":[{"kty":"RSA","n":"!!","e":"AQAB","kid":"test-key-1"}]}');
    }
    if (state.mode === 'garbage-discovery' && path.startsWith('/.well-known')) {
      return void response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html>sign in</html>');
    }
    if (state.mode === 'wrong-issuer' && path.startsWith('/.well-known')) {
      return void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer: 'https://evil.example', jwks_uri: `${issuer}/jwks` }));
    }
    handle(request, response);
  });
  return state;
}
