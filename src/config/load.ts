import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { CastellanError } from '../core/index.js';
import { configSchema, type CastellanConfig } from './schema.js';

/** The name of the settings file inside a home folder. */
export const CONFIG_FILE = 'castellan.json';

export type ConfigErrorCode = 'invalid' | 'unreadable' | 'missing-home';

/** Errors of the config room. */
export class ConfigError extends CastellanError<ConfigErrorCode> {
  constructor(code: ConfigErrorCode, message: string) {
    super('config', code, code === 'invalid' ? 'bad-input' : 'not-found', message);
  }
}

/** What the process environment may set; config/ is the only room that reads process.env. */
export interface EnvironmentSettings {
  home: string;
  databaseUrl: string | undefined;
  serverUrl: string | undefined;
  token: string | undefined;
  debug: boolean;
}

/** Reads the Castellan variables of an environment (default: this process's). */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentSettings {
  return {
    home: resolve(env.CASTELLAN_HOME ?? '.castellan'),
    databaseUrl: env.CASTELLAN_DATABASE_URL || undefined,
    serverUrl: env.CASTELLAN_SERVER_URL || undefined,
    token: env.CASTELLAN_TOKEN || undefined,
    debug: env.CASTELLAN_DEBUG === '1',
  };
}

/** Validates raw settings; the error names each bad key and the expected form. */
export function parseConfig(raw: unknown, source = 'config'): CastellanConfig {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError('invalid', `${source}: ${formatIssues(parsed.error)}`);
}

/** Formats zod issues as `key.path: message` pairs, the form every room uses for bad input. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Loads `castellan.json` from a home folder, applies CASTELLAN_DATABASE_URL when set, and
 * resolves relative paths against the home.
 */
export function loadConfig(home: string, environment?: EnvironmentSettings): CastellanConfig {
  if (!existsSync(home)) {
    throw new ConfigError(
      'missing-home',
      `no Castellan home at ${home}: run \`castellan init\` or pass --home DIR`,
    );
  }
  const file = join(home, CONFIG_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? `not valid JSON (${error.message})` : 'unreadable';
    throw new ConfigError(
      'unreadable',
      `${file} is ${reason}: fix it or run \`castellan init --force\``,
    );
  }
  const config = parseConfig(raw, file);
  return resolvePaths(applyEnvironment(config, environment), home);
}

function applyEnvironment(
  config: CastellanConfig,
  environment: EnvironmentSettings | undefined,
): CastellanConfig {
  if (!environment?.databaseUrl) return config;
  const schema = config.store.kind === 'postgres' ? config.store.schema : 'public';
  return parseConfig({
    ...config,
    store: { kind: 'postgres', url: environment.databaseUrl, schema },
  });
}

function resolvePaths(config: CastellanConfig, home: string): CastellanConfig {
  const absolute = (path: string) => (isAbsolute(path) ? path : join(home, path));
  return {
    ...config,
    store:
      config.store.kind === 'sqlite'
        ? { ...config.store, path: absolute(config.store.path) }
        : config.store,
    packs: { ...config.packs, paths: config.packs.paths.map(absolute) },
    policy: { ...config.policy, dir: absolute(config.policy.dir) },
  };
}
