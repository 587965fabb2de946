import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { START, testConfig } from './__fixtures__/crafted-tokens.js';
import { generateInstanceKeys } from './instance-keys.js';
import {
  loadInstanceKeys,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  saveInstanceKeys,
} from './key-files.js';
import { mintCapabilityToken } from './mint.js';
import { verifyCapabilityToken } from './verify.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'castellan-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const privatePath = () => join(dir, PRIVATE_KEY_FILE);
const publicPath = () => join(dir, PUBLIC_KEY_FILE);

async function savedKeys() {
  const keys = await generateInstanceKeys();
  await saveInstanceKeys(dir, keys);
  return keys;
}

describe('instance keys', () => {
  it('name the key by its RFC 7638 thumbprint', async () => {
    const keys = await generateInstanceKeys();
    const { kty, crv, x } = keys.publicJwk;
    expect(keys.kid).toBe(await calculateJwkThumbprint({ kty, crv, x }, 'sha256'));
    expect(keys.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: keys.kid });
  });

  it('are written 0600 private and 0644 public, and read back as the same pair', async () => {
    const keys = await savedKeys();
    expect((await stat(privatePath())).mode & 0o777).toBe(0o600);
    expect((await stat(publicPath())).mode & 0o777).toBe(0o644);
    expect(JSON.parse(await readFile(publicPath(), 'utf8'))).not.toHaveProperty('d');
    const loaded = await loadInstanceKeys(dir);
    expect(loaded.kid).toBe(keys.kid);
    expect(loaded.publicJwk).toEqual(keys.publicJwk);
    const clock = new ManualClock(START);
    const claims = { sub: 'alice', act: { sub: 'agent' }, scopes: [], runId: 'r', orgId: 'o' };
    const minted = await mintCapabilityToken(keys, testConfig, claims, clock);
    const options = { clock, isRevoked: async () => false };
    await expect(
      verifyCapabilityToken(minted.token, loaded, testConfig, options),
    ).resolves.toBeDefined();
    const byLoaded = await mintCapabilityToken(loaded, testConfig, claims, clock);
    await expect(
      verifyCapabilityToken(byLoaded.token, keys, testConfig, options),
    ).resolves.toBeDefined();
  });

  it('refuse to overwrite existing key files', async () => {
    await savedKeys();
    await expect(saveInstanceKeys(dir, await generateInstanceKeys())).rejects.toMatchObject({
      code: 'key-file-exists',
    });
  });

  it.each([0o640, 0o604, 0o644, 0o660])('refuse a private key file with mode %o', async (mode) => {
    await savedKeys();
    await chmod(privatePath(), mode);
    const error = loadInstanceKeys(dir);
    await expect(error).rejects.toMatchObject({ code: 'key-file-insecure', kind: 'unavailable' });
    await expect(error).rejects.toThrow(/chmod 600/);
  });

  it('report missing key files', async () => {
    await expect(loadInstanceKeys(join(dir, 'absent'))).rejects.toMatchObject({
      code: 'key-file-missing',
    });
  });

  it.each([
    ['not JSON', '{ nope'],
    ['not an Ed25519 key', JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', d: 'b' })],
    ['without the private part', JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) })],
  ])('refuse a private key file that is %s', async (_name, text) => {
    await savedKeys();
    await writeFile(privatePath(), text);
    await expect(loadInstanceKeys(dir)).rejects.toMatchObject({ code: 'key-file-malformed' });
  });

  it('refuse a public key file from another pair', async () => {
    await savedKeys();
    const other = await generateInstanceKeys();
    await writeFile(publicPath(), JSON.stringify(other.publicJwk));
    await expect(loadInstanceKeys(dir)).rejects.toMatchObject({ code: 'key-file-malformed' });
  });

  it('refuse a private key whose d does not belong to its x', async () => {
    await savedKeys();
    const stored = JSON.parse(await readFile(privatePath(), 'utf8'));
    const other = await generateInstanceKeys();
    const foreign = await exportJWK(other.privateKey);
    await writeFile(privatePath(), JSON.stringify({ ...stored, d: foreign.d }));
    await expect(loadInstanceKeys(dir)).rejects.toMatchObject({ code: 'key-file-malformed' });
  });

  it('refuse a kid that is not the thumbprint', async () => {
    await savedKeys();
    const stored = JSON.parse(await readFile(publicPath(), 'utf8'));
    await writeFile(publicPath(), JSON.stringify({ ...stored, kid: 'chosen-by-attacker' }));
    await expect(loadInstanceKeys(dir)).rejects.toMatchObject({ code: 'key-file-malformed' });
  });

  it('refuse a key file that is a folder', async () => {
    await savedKeys();
    await rm(publicPath());
    await mkdir(publicPath());
    await expect(loadInstanceKeys(dir)).rejects.toMatchObject({ code: 'key-file-malformed' });
  });
});
