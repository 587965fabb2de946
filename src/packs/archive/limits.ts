import { packLimits } from '../pack-files.js';

/** Limits on a pack archive; an archive past any of them is refused before it is read further. */
export const archiveLimits = {
  maxEntries: packLimits.maxFiles,
  maxEntryBytes: packLimits.maxFileBytes,
  /** Content bytes across all entries. */
  maxContentBytes: packLimits.maxTotalBytes,
  /** The archive itself: content plus one header and padding per entry, plus the end marker. */
  maxArchiveBytes: packLimits.maxTotalBytes + packLimits.maxFiles * 1024 + 1024,
  maxPathBytes: 200,
  maxPathDepth: packLimits.maxDepth + 1,
} as const;
