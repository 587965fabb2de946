import type { CastellanService } from '../api/index.js';
import { buildServer, type BuildServerOptions } from './build-server.js';

/** A listening server: its base URL and the one way to stop it. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Builds the server and listens on host and port (0 picks a free port). */
export async function startServer(
  service: CastellanService,
  options: { host: string; port: number } & BuildServerOptions,
): Promise<RunningServer> {
  const app = await buildServer(service, { logger: options.logger ?? false });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error(`the server is not listening on a TCP port: ${String(address)}`);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => app.close() };
}
