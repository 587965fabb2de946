import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildPackArchive,
  generatePublisherKey,
  MANIFEST_FILE,
  parsePackPin,
  parsePrivateKey,
  readPackFiles,
  parseManifest,
  signPackArchive,
  type PackManifest,
} from '../packs/index.js';
import type { Environment } from '../config/index.js';
import type { CastellanService } from './service.js';

/** What signing the shipped packs did, for `init`'s report. */
export interface ShippedPacksResult {
  /** Exact pins of the versions published and admitted. */
  published: string[];
  /** Folders that could not be built, signed or published, and why. */
  problems: string[];
  /** Where each publisher's private key was written (0600). */
  keys: Record<string, string>;
}

/**
 * Treats the packs that ship like any publisher's: a test publisher key per manifest publisher
 * (written 0600 under keys/publishers), trusted by `secadmin` in every environment for exactly
 * the shipped names; each pack built, signed and published by `publisher`, promoted to prod by
 * `approver` and `approver2`; and every agent pinned to the exact versions published. The
 * demo then runs signed packs in a prod-like home.
 */
export async function signShippedPacks(
  service: CastellanService,
  home: string,
  packsDir: string,
  environment: Environment,
): Promise<ShippedPacksResult> {
  const result: ShippedPacksResult = { published: [], problems: [], keys: {} };
  let listed;
  try {
    listed = readdirSync(packsDir, { withFileTypes: true });
  } catch (error) {
    result.problems.push(`${packsDir}: ${(error as Error).message}`);
    return result;
  }
  const folders = listed
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packsDir, entry.name))
    .sort();
  const manifests: Array<{ folder: string; manifest: PackManifest }> = [];
  for (const folder of folders) {
    try {
      const files = await readPackFiles(folder);
      const file = files.find((candidate) => candidate.path === MANIFEST_FILE);
      if (file === undefined) continue;
      manifests.push({ folder, manifest: parseManifest(file.bytes, join(folder, MANIFEST_FILE)) });
    } catch (error) {
      result.problems.push(`${folder}: ${(error as Error).message}`);
    }
  }
  const secadmin = await service.localUser('secadmin');
  const publisher = await service.localUser('publisher');
  const approvers = [await service.localUser('approver'), await service.localUser('approver2')];
  const keysDir = join(home, 'keys', 'publishers');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const keyOf = new Map<string, ReturnType<typeof parsePrivateKey>>();
  for (const name of [...new Set(manifests.map((each) => each.manifest.publisher))]) {
    const pair = generatePublisherKey('ed25519');
    const file = join(keysDir, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}.key`);
    writeFileSync(file, pair.privateKeyPem, { mode: 0o600 });
    chmodSync(file, 0o600);
    writeFileSync(file.replace(/\.key$/, '.pub'), pair.publicKeyPem, { mode: 0o644 });
    result.keys[name] = file;
    keyOf.set(name, parsePrivateKey(pair.privateKeyPem));
    const names = manifests
      .filter((each) => each.manifest.publisher === name)
      .map((each) => each.manifest.name);
    for (const target of ['dev', 'staging', 'prod'] as const)
      await service.packs.trustKey(secadmin, {
        environment: target,
        publicKeyPem: pair.publicKeyPem,
        publisher: name,
        names,
      });
  }
  for (const { folder, manifest } of manifests) {
    try {
      const key = keyOf.get(manifest.publisher);
      if (key === undefined) throw new Error(`no key for ${manifest.publisher}`);
      const archive = (await buildPackArchive(folder)).bytes;
      const { envelope } = signPackArchive(archive, key, {
        builder: 'castellan-init',
        sourceRevision: 'shipped',
      });
      const record = await service.packs.publish(publisher, {
        archive,
        envelope: JSON.stringify(envelope),
      });
      const ref = `${record.name}@${record.version}`;
      if (environment !== 'dev') {
        const request = await service.packs.requestPromotion(publisher, ref, 'prod');
        for (const approver of approvers)
          await service.packs.approvals.decide(approver, request.id, {
            decision: 'approve',
            reason: 'shipped pack, reviewed with the release',
          });
      }
      result.published.push(`${ref}#${record.digest}`);
    } catch (error) {
      result.problems.push(`${folder}: ${(error as Error).message}`);
    }
  }
  await pinAgents(service, result.published, environment);
  return result;
}

/** Pins every agent's unpinned entries to the published versions, in the home's environment. */
async function pinAgents(
  service: CastellanService,
  published: readonly string[],
  environment: Environment,
): Promise<void> {
  const orgId = service.config.organisation.id;
  for (const agent of await service.store.agents.list(orgId)) {
    const packs = agent.packs.map((entry) => {
      const pin = parsePackPin(entry);
      if (pin.digest !== undefined) return entry;
      const exact = published.find((candidate) => {
        const parsed = parsePackPin(candidate);
        return (
          parsed.name === pin.name && (pin.version === undefined || parsed.version === pin.version)
        );
      });
      return exact ?? entry;
    });
    await service.store.agents.upsert({ ...agent, packs, environment });
  }
}
