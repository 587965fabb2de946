import { performance } from 'node:perf_hooks';
import type { Environment } from '../../config/index.js';
import { describeError } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import type { PackCatalog } from '../catalog.js';
import type { PackErrorCode } from '../errors.js';
import { parsePackPin } from '../pins.js';
import type { ResolvedTool } from '../types.js';
import { loadRegistryPack } from './load-registry-pack.js';
import { loadPackState, type PackStateSnapshot } from './pack-state.js';

/** The guard's verdict on one resolved pack for one call. */
export type PackVerdict =
  { ok: true } | { ok: false; code: PackErrorCode | string; reason: string };

/** What the gate's resolve stage asks about packs on every call. */
export interface PackAdmissionCheck {
  /** Loads (verifying) the registry versions the entries pin that the catalog lacks. */
  prepare(catalog: PackCatalog, entries: readonly string[]): Promise<void>;
  /** Decides whether a resolved pack may serve a call in this environment now. */
  check(
    resolved: ResolvedTool,
    environment: Environment,
    allowUnsignedIn: readonly Environment[],
  ): Promise<PackVerdict>;
  /** Forgets the cached state, so the next check reads the store. */
  invalidate(): void;
}

/** How long a state snapshot may be reused: a quarantine or key removal elsewhere bites within it. */
export const PACK_STATE_TTL_MS = 1000;

/**
 * The store-backed admission check: quarantine, admission and key trust are read from the store
 * (a snapshot reused for at most `ttlMs`, dropped at once when this process changes them), so a
 * quarantine blocks the next call, not the next restart. Any error reading them is a denial.
 */
export class PackGuard implements PackAdmissionCheck {
  private cached: { at: number; state: Promise<PackStateSnapshot> } | undefined;

  constructor(
    private readonly store: Store,
    private readonly orgId: string,
    private readonly environment: Environment,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  private snapshot(): Promise<PackStateSnapshot> {
    const now = this.options.now?.() ?? performance.now();
    const ttl = this.options.ttlMs ?? PACK_STATE_TTL_MS;
    if (this.cached === undefined || now - this.cached.at > ttl) {
      const state = loadPackState(this.store, this.orgId);
      this.cached = { at: now, state };
      // A failed read is not cached: the next call tries the store again.
      state.catch(() => {
        if (this.cached?.state === state) this.cached = undefined;
      });
    }
    return this.cached.state;
  }

  async prepare(catalog: PackCatalog, entries: readonly string[]): Promise<void> {
    for (const entry of entries) {
      const pin = parsePackPin(entry);
      if (pin.version === undefined) continue;
      if (pin.digest !== undefined && catalog.has(pin.name, pin.version, pin.digest)) continue;
      const record = await this.store.packs.getVersion(this.orgId, pin.name, pin.version);
      if (record === undefined || (pin.digest !== undefined && record.digest !== pin.digest))
        continue;
      if (catalog.has(pin.name, pin.version, record.digest)) continue;
      catalog.add(
        await loadRegistryPack(this.store, this.orgId, pin.name, pin.version, this.environment),
      );
    }
  }

  async check(
    resolved: ResolvedTool,
    environment: Environment,
    allowUnsignedIn: readonly Environment[],
  ): Promise<PackVerdict> {
    let state: PackStateSnapshot;
    try {
      state = await this.snapshot();
    } catch (error) {
      return deny(
        'pack-state-unavailable',
        `the pack state cannot be read: ${describeError(error)}`,
      );
    }
    return decidePack(state, resolved, environment, allowUnsignedIn);
  }
}

/**
 * The rules, as a pure function of the state: never quarantined; outside the environments that
 * allow unsigned packs, pinned by version and digest; a signed pack admitted to this environment
 * with exactly this digest, and signed by a key still trusted here.
 */
export function decidePack(
  state: PackStateSnapshot,
  resolved: ResolvedTool,
  environment: Environment,
  allowUnsignedIn: readonly Environment[],
): PackVerdict {
  const { pack, pin } = resolved;
  const ref = `${pack.manifest.name}@${pack.manifest.version}`;
  const quarantine = state.quarantined.get(ref);
  if (quarantine !== undefined) {
    return deny(
      'pack-quarantined',
      `${ref} is quarantined since ${quarantine.quarantinedAt} by ${quarantine.quarantinedBy}: ${quarantine.reason}`,
    );
  }
  const strict = !allowUnsignedIn.includes(environment);
  if (strict && (pin.version === undefined || pin.digest === undefined)) {
    return deny(
      'pack-not-pinned',
      `the agent names ${pin.name} without an exact version and digest; in ${environment} packs must be pinned as name@version#sha256:...`,
    );
  }
  if (strict && !pack.signed) {
    return deny(
      'unsigned-pack-refused',
      `${ref} is unsigned; ${environment} runs signed packs only`,
    );
  }
  if (pin.digest !== undefined && pin.digest !== pack.digest) {
    return deny('pin-mismatch', `${ref} has digest ${pack.digest}; the agent pins ${pin.digest}`);
  }
  if (!pack.signed) return { ok: true };
  const admission = state.admitted.get(`${environment}|${ref}`);
  if (admission === undefined || admission.digest !== pack.digest) {
    return deny('pack-not-admitted', `${ref} (${pack.digest}) is not admitted to ${environment}`);
  }
  const keyId = pack.signer?.keyId;
  if (keyId === undefined || state.trustedKeys.get(environment)?.has(keyId) !== true) {
    return deny(
      'signer-not-trusted',
      `${ref} is signed by ${keyId ?? 'no key'}, which is not trusted in ${environment} (any more)`,
    );
  }
  return { ok: true };
}

function deny(code: PackErrorCode, reason: string): PackVerdict {
  return { ok: false, code, reason };
}
