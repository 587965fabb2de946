import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../audit/index.js';
import { CONFIG_FILE, loadConfig, parseConfig, type EnvironmentSettings } from '../config/index.js';
import { systemClock, type Clock } from '../core/index.js';
import { issueApiKey } from '../identity/index.js';
import { STARTER_POLICIES } from '../policy/index.js';
import { openStore } from '../store/index.js';
import { generateInstanceKeys, saveInstanceKeys } from '../tokens/index.js';
import { CREDENTIALS_FILE, writeCredentials } from './credentials.js';
import { DEMO_AGENTS, DEMO_USERS } from './demo-organisation.js';
import { ApiError } from './errors.js';
import { activatePolicyFolder } from './policy-loading.js';
import { signShippedPacks, type ShippedPacksResult } from './demo-packs.js';
import { CastellanService } from './service.js';

/** The packs that ship with this installation. */
export const SHIPPED_PACKS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../packs');

/** Folders and files `init` owns inside a home; `--force` removes these and nothing else. */
const OWNED = [
  CONFIG_FILE,
  CREDENTIALS_FILE,
  'castellan.db',
  'castellan.db-wal',
  'castellan.db-shm',
  'keys',
  'policies',
  'work',
];

/** What `castellan init` reports. */
export interface InitResult {
  home: string;
  users: string[];
  agents: string[];
  store: 'sqlite' | 'postgres';
  /** The shipped packs, signed by the home's test publisher key: exact pins, admitted to prod. */
  packs: string[];
  /** Shipped pack folders that could not be signed and published, and why. */
  packProblems: string[];
}

/**
 * Creates a home: settings, the embedded database, the instance's signing keys (0600), the
 * starter policies and a demo organisation with local users (keys stored hashed in the database,
 * in clear only in the 0600 credentials file) and demo agents. Refuses to touch an existing home
 * without `force`.
 */
export async function initHome(
  homeFolder: string,
  options: {
    force?: boolean;
    environment?: EnvironmentSettings;
    clock?: Clock;
    settings?: Record<string, unknown>;
  } = {},
): Promise<InitResult> {
  const home = resolve(homeFolder);
  const clock = options.clock ?? systemClock;
  const configPath = join(home, CONFIG_FILE);
  if (existsSync(configPath) && options.force !== true) {
    throw new ApiError(
      'home-exists',
      `${home} already holds a Castellan home; pass --force to replace it`,
    );
  }
  // A prod-like home: the shipped packs run signed, admitted and pinned (see demo-packs.ts).
  const raw = {
    environment: 'prod',
    packs: { paths: [SHIPPED_PACKS_DIR] },
    ...(options.settings ?? {}),
  };
  parseConfig(raw, 'init settings'); // validate before anything is written
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (options.force === true)
    for (const name of OWNED) rmSync(join(home, name), { recursive: true, force: true });
  writeFileSync(configPath, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  mkdirSync(join(home, 'policies'), { recursive: true });
  for (const [name, text] of Object.entries(STARTER_POLICIES))
    writeFileSync(join(home, 'policies', name), text);
  const keysDir = join(home, 'keys');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  await saveInstanceKeys(keysDir, await generateInstanceKeys());

  const config = loadConfig(home, options.environment);
  const store = await openStore(config.store);
  let initialised: Omit<InitResult, 'packs' | 'packProblems'>;
  try {
    const orgId = config.organisation.id;
    const now = clock.now().toISOString();
    await store.organisations.ensure(orgId, config.organisation.name);
    const keys: Record<string, string> = {};
    for (const user of DEMO_USERS) {
      await store.users.upsert({ orgId, ...user, disabled: false, createdAt: now });
      const issued = issueApiKey({ orgId, userId: user.id, label: 'local key from init', clock });
      await store.apiKeys.insert(issued.record);
      keys[user.id] = issued.presented;
    }
    for (const agent of DEMO_AGENTS) await store.agents.upsert({ orgId, ...agent, createdAt: now });
    writeCredentials(home, keys);
    const audit = new AuditLog(store, orgId, clock);
    await audit.append({
      type: 'home-initialised',
      actor: { service: 'castellan-init' },
      details: {
        users: Object.keys(keys),
        agents: DEMO_AGENTS.map((agent) => agent.id),
        store: store.kind,
      },
    });
    await activatePolicyFolder(store, audit, orgId, config.policy.dir, 'castellan-init', clock);
    initialised = {
      home,
      users: Object.keys(keys),
      agents: DEMO_AGENTS.map((agent) => agent.id),
      store: store.kind,
    };
  } finally {
    await store.close();
  }
  const service = await CastellanService.open(home, {
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    clock,
  });
  const packs: ShippedPacksResult = { published: [], problems: [], keys: {} };
  try {
    for (const folder of config.packs.paths) {
      const signed = await signShippedPacks(service, home, folder, config.environment);
      packs.published.push(...signed.published);
      packs.problems.push(...signed.problems);
    }
  } finally {
    await service.close();
  }
  return { ...initialised, packs: packs.published, packProblems: packs.problems };
}
