import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../core/index.js';
import { PackError } from './errors.js';

/** Limits on a pack folder; a pack past any of them is refused, not truncated. */
export const packLimits = {
  maxManifestBytes: 256 * 1024,
  maxInstructionsBytes: 256 * 1024,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxFiles: 200,
  maxDepth: 4,
} as const;

/** One regular file of a pack: its path relative to the pack folder ('/'-separated) and content. */
export interface PackFile {
  path: string;
  sha256: string;
  bytes: Buffer;
}

/**
 * Reads a regular file without following a symlink (O_NOFOLLOW) and refuses more than `limit`
 * bytes, counting what is actually read so that a file growing after the check cannot slip by.
 */
export async function readBoundedFile(path: string, limit: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ELOOP' ? 'is a symlink, which packs may not contain' : `cannot be read (${code})`;
    throw new PackError('unreadable', `${path} ${why}`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new PackError('unreadable', `${path} is not a regular file`);
    if (stats.size > limit) throw tooLarge(path, limit);
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length <= limit) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) throw tooLarge(path, limit);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, limit: number): PackError {
  return new PackError(
    'unreadable',
    `${path} is larger than the ${limit} bytes a pack file may have`,
  );
}

/**
 * Lists and reads every regular file of a pack folder, sorted by path (byte order). Pack folders
 * come from pack authors and later from archives of unknown origin: symlinks, special files,
 * deep nesting, too many or too large files are refused.
 */
export async function readPackFiles(dir: string): Promise<PackFile[]> {
  const stats = await lstat(dir).catch((error: unknown) => {
    throw new PackError('unreadable', `${dir} cannot be read`, { cause: error });
  });
  if (stats.isSymbolicLink()) throw new PackError('unreadable', `${dir} is a symlink`);
  if (!stats.isDirectory()) throw new PackError('unreadable', `${dir} is not a folder`);
  const files: PackFile[] = [];
  const state = { totalBytes: 0 };
  await walk(dir, '', 0, files, state);
  return files.sort((left, right) =>
    Buffer.compare(Buffer.from(left.path), Buffer.from(right.path)),
  );
}

async function walk(
  root: string,
  prefix: string,
  depth: number,
  files: PackFile[],
  state: { totalBytes: number },
): Promise<void> {
  const folder = join(root, prefix);
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
    throw new PackError('unreadable', `${folder} cannot be listed`, { cause: error });
  });
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const path = join(root, relative);
    if (/[\u0000-\u001f\u007f\\]/.test(entry.name)) {
      throw new PackError(
        'unreadable',
        `${path}: file names may not hold control characters or '\\'`,
      );
    }
    if (entry.isSymbolicLink()) {
      throw new PackError('unreadable', `${path} is a symlink, which packs may not contain`);
    }
    if (entry.isDirectory()) {
      if (depth + 1 > packLimits.maxDepth) {
        throw new PackError(
          'unreadable',
          `${path} is nested deeper than ${packLimits.maxDepth} folders`,
        );
      }
      await walk(root, relative, depth + 1, files, state);
    } else if (entry.isFile()) {
      if (files.length >= packLimits.maxFiles) {
        throw new PackError('unreadable', `${root} holds more than ${packLimits.maxFiles} files`);
      }
      const bytes = await readBoundedFile(path, packLimits.maxFileBytes);
      state.totalBytes += bytes.length;
      if (state.totalBytes > packLimits.maxTotalBytes) {
        throw new PackError(
          'unreadable',
          `${root} holds more than ${packLimits.maxTotalBytes} bytes`,
        );
      }
      files.push({ path: relative, sha256: sha256Hex(bytes), bytes });
    } else {
      throw new PackError('unreadable', `${path} is not a regular file or folder`);
    }
  }
}
