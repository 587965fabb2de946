import { chmod, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/index.js';
import { copyOfItops, itopsPackDir } from '../__fixtures__/pack-folder.js';
import { loadPackFromDir } from '../load-pack.js';
import { buildArchive, buildPackArchive } from './build-archive.js';
import { readArchive } from './read-archive.js';

describe('buildArchive', () => {
  it('gives the same bytes and digest for the same files, whatever their order', () => {
    const a = { path: 'b/x.txt', bytes: Buffer.from('x') };
    const b = { path: 'a.txt', bytes: Buffer.from('hello') };
    const first = buildArchive([a, b]);
    const second = buildArchive([b, a]);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(first.digest).toBe(`sha256:${sha256Hex(first.bytes)}`);
    expect(readArchive(first.bytes).map((entry) => entry.path)).toEqual(['a.txt', 'b/x.txt']);
  });

  it('ignores file times and modes of the folder it builds from', async () => {
    const copy = await copyOfItops();
    try {
      const before = await buildPackArchive(copy.dir);
      await utimes(join(copy.dir, 'SKILL.md'), new Date(2001, 1, 1), new Date(2001, 1, 1));
      await chmod(join(copy.dir, 'SKILL.md'), 0o600);
      const after = await buildPackArchive(copy.dir);
      expect(after.digest).toBe(before.digest);
      await writeFile(join(copy.dir, 'SKILL.md'), 'changed');
      expect((await buildPackArchive(copy.dir)).digest).not.toBe(before.digest);
    } finally {
      await copy.dispose();
    }
  });

  it('gives a folder the digest of the archive built from it', async () => {
    const built = await buildPackArchive(itopsPackDir);
    expect((await loadPackFromDir(itopsPackDir)).digest).toBe(built.digest);
  });

  it('writes a long path with the ustar prefix and reads it back', () => {
    const path = `${'a'.repeat(60)}/${'b'.repeat(60)}/c.txt`;
    const built = buildArchive([{ path, bytes: Buffer.from('deep') }]);
    expect(readArchive(built.bytes)).toEqual([{ path, bytes: Buffer.from('deep') }]);
  });
});
