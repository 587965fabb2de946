import { sha256Hex } from '../../core/index.js';
import { readPackFiles, type PackFile } from '../pack-files.js';
import { BLOCK, encodeHeader } from './tar-header.js';

/** An entry of a pack archive: a regular file's path ('/'-separated) and its bytes. */
export interface ArchiveEntry {
  path: string;
  bytes: Buffer;
}

/** A built archive: its bytes and `sha256:<hex>` digest. */
export interface BuiltArchive {
  bytes: Buffer;
  digest: string;
}

/** Byte order of UTF-8 paths: the one order every machine agrees on. */
export function compareEntryPaths(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/**
 * The canonical archive of a set of files: ustar, entries sorted by path bytes, regular files
 * only, mode 0644, owner 0:0, time 0, no user or group names, two zero blocks at the end. The
 * same files always give the same bytes, so the digest names the content and nothing else.
 */
export function buildArchive(entries: readonly ArchiveEntry[]): BuiltArchive {
  const sorted = [...entries].sort((left, right) => compareEntryPaths(left.path, right.path));
  const parts: Buffer[] = [];
  for (const entry of sorted) {
    parts.push(
      encodeHeader({
        path: entry.path,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: entry.bytes.length,
        mtime: 0,
        type: '0',
        linkName: '',
        uname: '',
        gname: '',
        devMajor: 0,
        devMinor: 0,
      }),
      entry.bytes,
      Buffer.alloc((BLOCK - (entry.bytes.length % BLOCK)) % BLOCK),
    );
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  const bytes = Buffer.concat(parts);
  return { bytes, digest: `sha256:${sha256Hex(bytes)}` };
}

/** The canonical archive of files already read from a pack folder. */
export function archiveOfFiles(files: readonly PackFile[]): BuiltArchive {
  return buildArchive(files.map((file) => ({ path: file.path, bytes: file.bytes })));
}

/** Reads a pack folder (bounded, no symlinks) and builds its canonical archive. */
export async function buildPackArchive(dir: string): Promise<BuiltArchive> {
  return archiveOfFiles(await readPackFiles(dir));
}
