import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The shipped itops pack, the loader's reference input. */
export const itopsPackDir = resolve(import.meta.dirname, '../../../packs/itops');

/** A temporary copy of the itops pack whose manifest the test may rewrite. */
export async function copyOfItops(): Promise<{
  dir: string;
  root: string;
  dispose(): Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'castellan-packs-'));
  const dir = join(root, 'itops');
  await cp(itopsPackDir, dir, { recursive: true });
  return { dir, root, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** Reads, changes and writes back a pack's manifest. */
export async function editManifest(
  dir: string,
  change: (manifest: Record<string, any>) => void,
): Promise<void> {
  const file = join(dir, 'castellan.pack.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
  change(manifest);
  await writeFile(file, JSON.stringify(manifest));
}
