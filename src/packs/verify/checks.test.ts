import { describe, expect, it } from 'vitest';
import { buildArchive } from '../archive/build-archive.js';
import { readArchive } from '../archive/read-archive.js';
import { signedItops } from '../__fixtures__/signed-pack.js';
import { checkManifest } from './check-manifest.js';
import { compareVersions } from './semver.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('compareVersions', () => {
  it.each([
    ['1.0.0', '1.0.0', 0],
    ['1.0.10', '1.0.9', 1],
    ['2.0.0', '10.0.0', -1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0', '1.0.0-rc.1', 1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-rc.1', '1.0.0-beta.11', 1],
  ])('orders %s against %s as %i', (left, right, expected) => {
    expect(compareVersions(left, right)).toBe(expected);
  });
});

describe('checkManifest', () => {
  it('refuses a statement naming another manifest path, an archive without one, and an invalid one', async () => {
    const signed = await signedItops();
    const entries = readArchive(signed.archive);
    const otherPath = structuredClone(signed.statement);
    otherPath.predicate.manifest.path = 'other.json';
    expect(codeOf(() => checkManifest(otherPath, entries))).toBe('manifest-mismatch');
    const withoutManifest = entries.filter((entry) => entry.path !== 'castellan.pack.json');
    expect(codeOf(() => checkManifest(signed.statement, withoutManifest))).toBe('invalid-manifest');
    const broken = [{ path: 'castellan.pack.json', bytes: Buffer.from('{"name":1}') }];
    const statement = structuredClone(signed.statement);
    statement.predicate.manifest.digest.sha256 =
      'f6b8f7e08b5f2f7ba9bd9f7cf5ebec88a7a7b63b5d0e2cc1bdf4e3fb5ef2b1a0';
    expect(codeOf(() => checkManifest(statement, broken))).toBe('manifest-digest-mismatch');
    const { createHash } = await import('node:crypto');
    statement.predicate.manifest.digest.sha256 = createHash('sha256')
      .update(broken[0]!.bytes)
      .digest('hex');
    expect(codeOf(() => checkManifest(statement, broken))).toBe('invalid-manifest');
    expect(buildArchive(entries).bytes.equals(signed.archive)).toBe(true);
  });
});
