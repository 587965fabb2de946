import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiError, CREDENTIALS_FILE } from '../api/index.js';
import { readEnvironment } from '../config/index.js';
import type { Backend } from './backend.js';
import { EmbeddedBackend } from './embedded-backend.js';
import { HttpBackend } from './http-backend.js';
import { Output } from './output.js';

/** Options every command takes. */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
  debug?: boolean;
  server?: string;
  token?: string;
  as?: string;
}

/** The resolved global options of a command: home folder, output, and how to reach Castellan. */
export function globals(command: Command): {
  options: GlobalOptions;
  home: string;
  output: Output;
} {
  const options = command.optsWithGlobals<GlobalOptions>();
  const environment = readEnvironment();
  const home = resolve(options.home ?? environment.home);
  return { options, home, output: new Output(options.json === true) };
}

/**
 * The backend a command uses: over HTTP with `--server` (token from --token, CASTELLAN_TOKEN, or
 * the local user's key when --as names one in the home), otherwise in-process on the home.
 */
export async function openBackend(command: Command): Promise<Backend> {
  const { options, home } = globals(command);
  const environment = readEnvironment();
  const server = options.server ?? environment.serverUrl;
  if (server !== undefined) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new ApiError(
        'bad-input',
        `--server ${server} is not a URL (expected http://host:port)`,
      );
    }
    const token =
      options.token ??
      environment.token ??
      (options.as === undefined ? undefined : keyFromHome(home, options.as));
    if (token === undefined)
      throw new ApiError(
        'bad-input',
        'with --server, pass --token KEY (or CASTELLAN_TOKEN) or --as USER of the local home',
      );
    return new HttpBackend(url.toString(), token);
  }
  return EmbeddedBackend.open(home, options.as);
}

function keyFromHome(home: string, user: string): string | undefined {
  const path = join(home, CREDENTIALS_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: Record<string, string> };
    return parsed.keys?.[user];
  } catch {
    return undefined;
  }
}

/** Runs a command body with a backend that is always closed afterwards. */
export async function withBackend<T>(
  command: Command,
  work: (backend: Backend, output: Output) => Promise<T>,
): Promise<T> {
  const backend = await openBackend(command);
  try {
    return await work(backend, globals(command).output);
  } finally {
    await backend.close();
  }
}
