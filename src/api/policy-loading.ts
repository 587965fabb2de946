import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditLog } from '../audit/index.js';
import { describeError, digestOf, type Clock } from '../core/index.js';
import { PolicyEngine } from '../policy/index.js';
import type { PolicySetRecord, Store } from '../store/index.js';

/** Reads every `.cedar` file of a folder as file name → text. */
export function readPolicyFolder(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.cedar')) files[name] = readFileSync(join(dir, name), 'utf8');
  }
  return files;
}

/**
 * Validates the policy folder and makes it the active version when it differs from the active
 * one. An invalid folder changes nothing and the error says why.
 */
export async function activatePolicyFolder(
  store: Store,
  audit: AuditLog,
  orgId: string,
  dir: string,
  by: string,
  clock: Clock,
): Promise<PolicySetRecord> {
  const files = readPolicyFolder(dir);
  const active = await store.policies.active(orgId);
  const digest = digestOf(files);
  if (active !== undefined && active.digest === digest) return active;
  PolicyEngine.load(files, (active?.version ?? 0) + 1); // throws PolicyError on any invalid policy
  await audit.append({
    type: 'policy-activated',
    actor: { user: by },
    details: { digest, files: Object.keys(files), previousVersion: active?.version ?? null },
  });
  return store.policies.activate({
    orgId,
    digest,
    policies: files,
    createdBy: by,
    createdAt: clock.now().toISOString(),
  });
}

/** The engine for the active policy set, or why there is none (every call is then denied). */
export async function loadActiveEngine(
  store: Store,
  orgId: string,
): Promise<{ engine?: PolicyEngine; problem?: string }> {
  const active = await store.policies.active(orgId);
  if (active === undefined) return { problem: 'no policy set is active' };
  try {
    return { engine: PolicyEngine.load(active.policies, active.version) };
  } catch (error) {
    return { problem: `active policy set v${active.version} is invalid: ${describeError(error)}` };
  }
}
