import { existsSync, statSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { ApiError } from '../../api/index.js';

/** Reads a file a command was given, refusing one larger than `limit` bytes. */
export async function readLimited(path: string, limit: number, what: string): Promise<Buffer> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ApiError('bad-input', `${what} ${path} cannot be read`);
  }
  if (size > limit)
    throw new ApiError('bad-input', `${what} ${path} is larger than ${limit} bytes`);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > limit)
      throw new ApiError('bad-input', `${what} ${path} is larger than ${limit} bytes`);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Writes a new file, refusing to replace one (keys and archives are never overwritten silently). */
export async function writeNew(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  if (existsSync(path))
    throw new ApiError('bad-input', `${path} exists; remove it or choose --out`);
  await writeFile(path, data, { mode, flag: 'wx' });
}
