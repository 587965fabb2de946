import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { CastellanService } from '../api/index.js';
import type { UserRecord } from '../store/index.js';
import { ServerError } from './errors.js';

/**
 * Longer Authorization headers are refused before any parsing: room for "Bearer " and the
 * largest credential looked at (an OIDC access token of 8 KiB; API keys are far shorter).
 */
export const MAX_AUTHORIZATION_LENGTH = 8200;

const actors = new WeakMap<FastifyRequest, UserRecord>();

/**
 * An onRequest hook that turns `Authorization: Bearer <API key or OIDC token>` into the acting user. Runs
 * before the body is read, so an unauthenticated caller cannot make the server parse anything.
 */
export function authenticationHook(service: CastellanService): onRequestAsyncHookHandler {
  return async (request) => {
    // Attacker-controlled: the header is checked for size and shape before the service sees it.
    const header = request.headers.authorization;
    if (header === undefined || header.length === 0) {
      throw new ServerError(
        'missing-credential',
        'send an API key or an OIDC access token as "Authorization: Bearer <credential>"',
      );
    }
    if (header.length > MAX_AUTHORIZATION_LENGTH) {
      throw new ServerError('malformed-authorization', 'the Authorization header is too long');
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (match?.[1] === undefined) {
      throw new ServerError(
        'malformed-authorization',
        'the Authorization header must be "Bearer <key>"',
      );
    }
    actors.set(request, await service.authenticate(match[1]));
  };
}

/** The user the request was authenticated as; only valid behind the authentication hook. */
export function actorOf(request: FastifyRequest): UserRecord {
  const actor = actors.get(request);
  if (actor === undefined) throw new Error(`route ${request.url} is served without authentication`);
  return actor;
}
