import { PackVerifyError } from '../verify/errors.js';
import { buildArchive, compareEntryPaths, type ArchiveEntry } from './build-archive.js';
import { archiveLimits } from './limits.js';
import { checkEntryPath } from './entry-path.js';
import { BLOCK, decodeHeader, HeaderFormatError, type TarHeader } from './tar-header.js';

/**
 * Reads a pack archive strictly. The bytes are attacker-controlled (a pack from anywhere): sizes
 * are checked before anything is copied, every entry must be a regular file with a safe relative
 * path, and the archive must be exactly the canonical archive of its entries (so one content has
 * one digest, and no field can carry something the checks did not look at).
 */
export function readArchive(bytes: Buffer): ArchiveEntry[] {
  if (bytes.length > archiveLimits.maxArchiveBytes) {
    throw new PackVerifyError(
      'archive-too-large',
      `the archive has ${bytes.length} bytes; at most ${archiveLimits.maxArchiveBytes} are allowed`,
    );
  }
  if (bytes.length % BLOCK !== 0 || bytes.length < 2 * BLOCK) {
    throw new PackVerifyError(
      'archive-malformed',
      'the archive is not a whole number of tar blocks',
    );
  }
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  let contentBytes = 0;
  for (;;) {
    if (offset + BLOCK > bytes.length) {
      throw new PackVerifyError('archive-malformed', 'the archive ends without its end marker');
    }
    const block = bytes.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const header = parseHeader(block, offset);
    checkEntryType(header);
    checkEntryPath(header.path);
    if (header.size > archiveLimits.maxEntryBytes) {
      throw new PackVerifyError(
        'archive-entry-too-large',
        `${header.path} has ${header.size} bytes; an entry may have at most ${archiveLimits.maxEntryBytes}`,
      );
    }
    contentBytes += header.size;
    if (contentBytes > archiveLimits.maxContentBytes) {
      throw new PackVerifyError(
        'archive-too-large',
        `the archive's entries hold more than ${archiveLimits.maxContentBytes} bytes`,
      );
    }
    if (entries.length >= archiveLimits.maxEntries) {
      throw new PackVerifyError(
        'archive-too-many-entries',
        `the archive holds more than ${archiveLimits.maxEntries} entries`,
      );
    }
    const start = offset + BLOCK;
    const end = start + header.size;
    if (end > bytes.length) {
      throw new PackVerifyError(
        'archive-malformed',
        `${header.path} runs past the end of the archive`,
      );
    }
    const previous = entries.at(-1);
    if (previous !== undefined) {
      const order = compareEntryPaths(previous.path, header.path);
      if (order === 0)
        throw new PackVerifyError('archive-duplicate-entry', `${header.path} appears twice`);
      if (order > 0)
        throw new PackVerifyError(
          'archive-not-canonical',
          `${header.path} comes after ${previous.path}; entries must be sorted`,
        );
    }
    entries.push({ path: header.path, bytes: Buffer.from(bytes.subarray(start, end)) });
    offset = start + Math.ceil(header.size / BLOCK) * BLOCK;
  }
  // Rebuilding from the entries must give back the very bytes: every header field, padding and
  // the end marker are then exactly the canonical ones, and nothing trails the end marker.
  if (!buildArchive(entries).bytes.equals(bytes)) {
    throw new PackVerifyError(
      'archive-not-canonical',
      'the archive is not in canonical form (mode 0644, owner 0, time 0, zero padding, nothing after the end)',
    );
  }
  return entries;
}

function parseHeader(block: Buffer, offset: number): TarHeader {
  try {
    return decodeHeader(block);
  } catch (error) {
    if (!(error instanceof HeaderFormatError)) throw error;
    throw new PackVerifyError(
      'archive-malformed',
      `the header at byte ${offset}: ${error.message}`,
    );
  }
}

function checkEntryType(header: TarHeader): void {
  switch (header.type) {
    case '0':
    case '\u0000':
      return;
    case '1':
    case '2':
      throw new PackVerifyError(
        'archive-link-entry',
        `${header.path} is a ${header.type === '1' ? 'hard link' : 'symbolic link'} (to ${header.linkName}); packs may hold regular files only`,
      );
    case '3':
    case '4':
    case '6':
      throw new PackVerifyError(
        'archive-special-entry',
        `${header.path} is a ${header.type === '6' ? 'FIFO' : 'device file'}; packs may hold regular files only`,
      );
    default:
      throw new PackVerifyError(
        'archive-unsupported-entry',
        `${header.path} has the tar type ${JSON.stringify(header.type)}; packs may hold regular files only`,
      );
  }
}
