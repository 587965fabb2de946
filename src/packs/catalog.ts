import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PackError, type PackErrorCode } from './errors.js';
import { PackVerifyError, type PackVerifyErrorCode } from './verify/errors.js';
import { loadPackFromDir } from './load-pack.js';
import { MANIFEST_FILE } from './parse-manifest.js';
import { parsePackPin, selectPack } from './pins.js';
import { resolveTool } from './resolve-tool.js';
import type { LoadedPack, ResolvedTool, ResolveOptions } from './types.js';

/** A pack folder that could not be loaded, and why; the rest of the catalog still loads. */
export interface PackProblem {
  path: string;
  code: PackErrorCode | PackVerifyErrorCode;
  message: string;
}

/** The packs this home can use: local folders and verified registry versions, several per name. */
export interface PackCatalog {
  readonly problems: readonly PackProblem[];
  packs(): LoadedPack[];
  /** The pack an agent entry selects (`name`, `name@version`, `name@version#sha256:...`). */
  get(entry: string): LoadedPack | undefined;
  /** Whether the catalog holds this exact content already. */
  has(name: string, version: string, digest: string): boolean;
  /** Adds a pack loaded later (a registry version pinned after start-up). */
  add(pack: LoadedPack): void;
  /** Records a pack that could not be loaded (doctor shows it). */
  report(problem: PackProblem): void;
  /** Resolves `@scope/pack/tool`, `pack/tool` or `tool` among the allowed packs, or throws PackError. */
  resolve(toolRef: string, allowedPacks: readonly string[], options: ResolveOptions): ResolvedTool;
}

/**
 * A catalog over packs already loaded. Two folders with one pack name are a problem (the first
 * wins); the same name@version@digest twice from one source is kept once.
 */
export function createCatalog(
  packs: readonly LoadedPack[],
  problems: readonly PackProblem[] = [],
): PackCatalog {
  const all: LoadedPack[] = [];
  const allProblems = [...problems];
  const add = (pack: LoadedPack): void => {
    const clash = all.find(
      (existing) =>
        existing.manifest.name === pack.manifest.name &&
        existing.source === pack.source &&
        (pack.source === 'folder' ||
          (existing.manifest.version === pack.manifest.version && existing.digest === pack.digest)),
    );
    if (clash !== undefined) {
      if (pack.source === 'folder')
        allProblems.push({
          path: pack.dir,
          code: 'invalid-manifest',
          message: `${pack.dir}: pack ${pack.manifest.name} is already loaded from ${clash.dir}`,
        });
      return;
    }
    all.push(pack);
  };
  packs.forEach(add);
  return {
    problems: allProblems,
    packs: () => [...all],
    get: (entry) => {
      let pin;
      try {
        pin = parsePackPin(entry);
      } catch {
        return undefined;
      }
      const selection = selectPack(all, pin);
      return selection.kind === 'found' ? selection.pack : undefined;
    },
    has: (name, version, digest) =>
      all.some(
        (pack) =>
          pack.source === 'registry' &&
          pack.manifest.name === name &&
          pack.manifest.version === version &&
          pack.digest === digest,
      ),
    add,
    report: (problem) => {
      allProblems.push(problem);
    },
    resolve: (toolRef, allowedPacks, options) => resolveTool(all, toolRef, allowedPacks, options),
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

/** A load failure as a catalog problem. */
export function problemOf(path: string, error: unknown): PackProblem {
  if (error instanceof PackError || error instanceof PackVerifyError)
    return { path, code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { path, code: 'unreadable', message: `${path}: ${message}` };
}
