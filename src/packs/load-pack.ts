import { join, resolve } from 'node:path';
import { createArgsCompiler } from './args-validator.js';
import { PackError } from './errors.js';
import { packDigest, packLimits, readPackFiles } from './pack-files.js';
import { decodeUtf8, MANIFEST_FILE, parseManifest } from './parse-manifest.js';
import type { LoadedPack, LoadedTool } from './types.js';

/**
 * Loads an unsigned pack from a local folder: reads every file once (so the digest covers
 * exactly the bytes that were parsed), validates the manifest, reads the instructions and
 * compiles each tool's argument schema. Any problem throws a PackError naming the file.
 */
export async function loadPackFromDir(dir: string): Promise<LoadedPack> {
  const folder = resolve(dir);
  const files = await readPackFiles(folder);
  const manifestFile = files.find((file) => file.path === MANIFEST_FILE);
  if (manifestFile === undefined) {
    throw new PackError('unreadable', `${join(folder, MANIFEST_FILE)} does not exist`);
  }
  const manifest = parseManifest(manifestFile.bytes, join(folder, MANIFEST_FILE));

  // The schema allows a bare file name only; looking it up among the files already walked
  // (regular files, no symlinks) keeps the instructions inside the pack folder.
  const instructionsPath = join(folder, manifest.instructions);
  const instructionsFile = files.find((file) => file.path === manifest.instructions);
  if (instructionsFile === undefined) {
    throw new PackError(
      'invalid-manifest',
      `${instructionsPath} (the manifest's instructions) does not exist`,
    );
  }
  if (instructionsFile.bytes.length > packLimits.maxInstructionsBytes) {
    throw new PackError(
      'invalid-manifest',
      `${instructionsPath} is larger than the ${packLimits.maxInstructionsBytes} bytes instructions may have`,
    );
  }
  const instructions = decodeUtf8(instructionsFile.bytes, instructionsPath);

  const compile = createArgsCompiler();
  const tools = new Map<string, LoadedTool>();
  for (const tool of manifest.tools) {
    const validateArgs = compile(tool.args, `${join(folder, MANIFEST_FILE)}: tool ${tool.name}`);
    tools.set(
      tool.name,
      Object.freeze({ manifest: tool, id: `${manifest.name}/${tool.name}`, validateArgs }),
    );
  }
  return Object.freeze({
    manifest,
    dir: folder,
    digest: packDigest(files),
    signed: false,
    instructions,
    tools,
  });
}
