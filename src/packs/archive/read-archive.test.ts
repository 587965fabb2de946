import { describe, expect, it } from 'vitest';
import { rawArchive } from '../__fixtures__/signed-pack.js';
import { buildArchive } from './build-archive.js';
import { archiveLimits } from './limits.js';
import { readArchive } from './read-archive.js';
import { BLOCK } from './tar-header.js';

const file = { path: 'castellan.pack.json', bytes: Buffer.from('{}') };

function refusal(bytes: Buffer): string | undefined {
  try {
    readArchive(bytes);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('readArchive refuses hostile archives', () => {
  it.each([
    ['a parent-folder entry', '../../etc/cron.d/evil', 'archive-path-traversal'],
    ['a nested parent-folder entry', 'scripts/../../x', 'archive-path-traversal'],
    ['an absolute entry', '/etc/passwd', 'archive-path-traversal'],
    ['a drive-letter entry', 'C:/x', 'archive-path-traversal'],
    ['a dot segment', './x', 'archive-bad-path'],
    ['an empty segment', 'a//b', 'archive-bad-path'],
    ['a backslash', 'a\\b', 'archive-bad-path'],
    ['a control character', 'a\u0001b', 'archive-bad-path'],
    ['a path too deep', 'a/b/c/d/e/f/g', 'archive-bad-path'],
  ])('refuses %s', (_what, path, code) => {
    expect(refusal(rawArchive([{ header: { path }, bytes: Buffer.from('x') }]))).toBe(code);
  });

  it.each([
    ['a symbolic link', '2', 'archive-link-entry'],
    ['a hard link', '1', 'archive-link-entry'],
    ['a character device', '3', 'archive-special-entry'],
    ['a block device', '4', 'archive-special-entry'],
    ['a FIFO', '6', 'archive-special-entry'],
    ['a directory', '5', 'archive-unsupported-entry'],
    ['a pax header', 'x', 'archive-unsupported-entry'],
    ['a GNU long name', 'L', 'archive-unsupported-entry'],
  ])('refuses %s entry', (_what, type, code) => {
    expect(
      refusal(rawArchive([{ header: { path: 'SKILL.md', type, linkName: '/etc/shadow' } }])),
    ).toBe(code);
  });

  it('refuses an entry larger than the per-entry limit before reading its data', () => {
    const archive = rawArchive([{ header: { path: 'big.bin' } }]);
    // Claim a huge size in the header; the data is not even there.
    const forged = rawArchive([
      { header: { path: 'big.bin', size: archiveLimits.maxEntryBytes + 1 } },
    ]).subarray(0, BLOCK);
    expect(refusal(Buffer.concat([forged, archive.subarray(BLOCK)]))).toBe(
      'archive-entry-too-large',
    );
  });

  it('refuses an archive larger than the archive limit without parsing it', () => {
    expect(refusal(Buffer.alloc(archiveLimits.maxArchiveBytes + BLOCK))).toBe('archive-too-large');
  });

  it('refuses more content than the total limit', () => {
    const chunk = Buffer.alloc(archiveLimits.maxEntryBytes, 1);
    const count = Math.floor(archiveLimits.maxContentBytes / chunk.length) + 1;
    const entries = Array.from({ length: count }, (_, index) => ({
      header: { path: `f${String(index).padStart(3, '0')}` },
      bytes: chunk,
    }));
    expect(refusal(rawArchive(entries))).toMatch(/archive-too-large/);
  });

  it('refuses more entries than allowed', () => {
    const entries = Array.from({ length: archiveLimits.maxEntries + 1 }, (_, index) => ({
      header: { path: `f${String(index).padStart(4, '0')}` },
    }));
    expect(refusal(rawArchive(entries))).toBe('archive-too-many-entries');
  });

  it('refuses a duplicate and an unsorted entry', () => {
    const a = { header: { path: 'a' }, bytes: Buffer.from('1') };
    const b = { header: { path: 'b' }, bytes: Buffer.from('2') };
    expect(refusal(rawArchive([a, a]))).toBe('archive-duplicate-entry');
    expect(refusal(rawArchive([b, a]))).toBe('archive-not-canonical');
  });

  it('refuses non-canonical metadata, trailing bytes and a bad checksum', () => {
    expect(refusal(rawArchive([{ header: { path: 'a', mode: 0o755 } }]))).toBe(
      'archive-not-canonical',
    );
    expect(refusal(rawArchive([{ header: { path: 'a', mtime: 1 } }]))).toBe(
      'archive-not-canonical',
    );
    const good = buildArchive([file]).bytes;
    expect(refusal(Buffer.concat([good, Buffer.alloc(BLOCK, 0x41)]))).toBe('archive-not-canonical');
    const corrupt = Buffer.from(good);
    corrupt[10] = 0x7a;
    expect(refusal(corrupt)).toBe('archive-malformed');
  });

  it('refuses truncated and misaligned archives', () => {
    const good = buildArchive([file]).bytes;
    expect(refusal(good.subarray(0, BLOCK))).toBe('archive-malformed');
    expect(refusal(good.subarray(0, good.length - 1))).toBe('archive-malformed');
    expect(refusal(Buffer.concat([good.subarray(0, BLOCK), Buffer.alloc(BLOCK)]))).toBe(
      'archive-malformed',
    );
  });

  it('refuses a header that is not ustar or has non-octal numbers', () => {
    const good = Buffer.from(buildArchive([file]).bytes);
    const notUstar = Buffer.from(good);
    notUstar.write('gnutar', 257, 'latin1');
    expect(refusal(notUstar)).toBe('archive-malformed');
    const badSize = Buffer.from(good);
    badSize.write('-0000000002', 124, 'latin1');
    expect(refusal(badSize)).toBe('archive-malformed');
  });

  it('reads back exactly what was built', () => {
    const entries = [file, { path: 'SKILL.md', bytes: Buffer.from('# skill\n') }];
    const built = buildArchive(entries);
    expect(readArchive(built.bytes)).toEqual([entries[1], entries[0]]);
  });
});
