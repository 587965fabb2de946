/** The server room: the Fastify HTTP adapter over the application service. */
export { buildServer } from './build-server.js';
export type { BuildServerOptions } from './build-server.js';
export { startServer } from './start-server.js';
export type { RunningServer } from './start-server.js';
export { httpErrorFor, statusForKind } from './error-mapping.js';
export type { ErrorBody, HttpError } from './error-mapping.js';
export { ServerError } from './errors.js';
export type { ServerErrorCode } from './errors.js';
export { MAX_AUTHORIZATION_LENGTH } from './authenticate.js';
export { RUN_EVENTS_POLL_MS } from './run-events.js';
export { derivedEvents } from './run-event-frames.js';
export type { DerivedEvent } from './run-event-frames.js';
export { createGovernedMcpServer, MCP_SERVER_INFO } from './mcp/governed-mcp-server.js';
