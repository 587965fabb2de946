import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { checkEntryPath } from '../archive/entry-path.js';
import { PackError } from '../errors.js';
import { MANIFEST_FILE, parseManifest } from '../parse-manifest.js';

/**
 * Writes an imported pack into a new folder: the manifest (validated first, so an import never
 * leaves a pack Castellan would refuse) and the other files, each path checked like an archive
 * entry so a hostile source cannot write outside the folder.
 */
export async function writePackFolder(
  out: string,
  manifest: Record<string, unknown>,
  files: ReadonlyArray<{ path: string; bytes: Buffer }>,
): Promise<string> {
  const folder = resolve(out);
  if (existsSync(folder))
    throw new PackError('unreadable', `${folder} exists; choose a new folder`);
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  parseManifest(manifestBytes, join(folder, MANIFEST_FILE));
  for (const file of files) checkEntryPath(file.path);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, MANIFEST_FILE), manifestBytes, { flag: 'wx' });
  for (const file of files) {
    if (file.path === MANIFEST_FILE) continue;
    const target = join(folder, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.bytes, { flag: 'wx' });
  }
  return folder;
}
