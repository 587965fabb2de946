import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PackError, type PackErrorCode } from './errors.js';
import { loadPackFromDir } from './load-pack.js';
import { MANIFEST_FILE } from './parse-manifest.js';
import { resolveTool } from './resolve-tool.js';
import type { LoadedPack, ResolvedTool, ResolveOptions } from './types.js';

/** A pack folder that could not be loaded, and why; the rest of the catalog still loads. */
export interface PackProblem {
  path: string;
  code: PackErrorCode;
  message: string;
}

/** The packs installed on this home, by name. */
export interface PackCatalog {
  readonly problems: readonly PackProblem[];
  packs(): LoadedPack[];
  get(name: string): LoadedPack | undefined;
  /** Resolves `@scope/pack/tool`, `pack/tool` or `tool` among the allowed packs, or throws PackError. */
  resolve(toolRef: string, allowedPacks: readonly string[], options: ResolveOptions): ResolvedTool;
}

/** A catalog over packs already loaded (the first of two packs with one name wins). */
export function createCatalog(
  packs: readonly LoadedPack[],
  problems: readonly PackProblem[] = [],
): PackCatalog {
  const byName = new Map<string, LoadedPack>();
  const allProblems = [...problems];
  for (const pack of packs) {
    const existing = byName.get(pack.manifest.name);
    if (existing !== undefined) {
      allProblems.push({
        path: pack.dir,
        code: 'invalid-manifest',
        message: `${pack.dir}: pack ${pack.manifest.name} is already loaded from ${existing.dir}`,
      });
      continue;
    }
    byName.set(pack.manifest.name, pack);
  }
  return {
    problems: allProblems,
    packs: () => [...byName.values()],
    get: (name) => byName.get(name),
    resolve: (toolRef, allowedPacks, options) =>
      resolveTool([...byName.values()], toolRef, allowedPacks, options),
  };
}

/**
 * Loads every sub-folder holding a castellan.pack.json under each of `paths`. A broken pack is
 * recorded in `problems` and skipped; loading never throws.
 */
export async function loadCatalog(paths: readonly string[]): Promise<PackCatalog> {
  const packs: LoadedPack[] = [];
  const problems: PackProblem[] = [];
  for (const path of paths.map((each) => resolve(each))) {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      problems.push(problemOf(path, error));
      continue;
    }
    for (const entry of entries.sort((left, right) => (left.name < right.name ? -1 : 1))) {
      const folder = join(path, entry.name);
      if (entry.isSymbolicLink()) {
        problems.push({
          path: folder,
          code: 'unreadable',
          message: `${folder} is a symlink; pack folders may not be`,
        });
        continue;
      }
      if (!entry.isDirectory()) continue;
      const hasManifest = await lstat(join(folder, MANIFEST_FILE)).then(
        () => true,
        () => false,
      );
      if (!hasManifest) continue;
      try {
        packs.push(await loadPackFromDir(folder));
      } catch (error) {
        problems.push(problemOf(folder, error));
      }
    }
  }
  return createCatalog(packs, problems);
}

function problemOf(path: string, error: unknown): PackProblem {
  if (error instanceof PackError) return { path, code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { path, code: 'unreadable', message: `${path}: ${message}` };
}
