import { join, resolve } from 'node:path';
import type { ArchiveEntry } from './archive/build-archive.js';
import { archiveOfFiles } from './archive/build-archive.js';
import { createArgsCompiler } from './args-validator.js';
import { PackError } from './errors.js';
import { packLimits, readPackFiles } from './pack-files.js';
import { decodeUtf8, MANIFEST_FILE, parseManifest } from './parse-manifest.js';
import type { LoadedPack, LoadedTool } from './types.js';
import type { VerifiedPack } from './verify/verify-pack.js';

/**
 * Loads an unsigned pack from a local folder: reads every file once (so the digest covers
 * exactly the bytes that were parsed), validates the manifest, reads the instructions and
 * compiles each tool's argument schema. The digest is that of the folder's canonical archive,
 * so a folder and the archive built from it have one digest. Any problem throws a PackError.
 */
export async function loadPackFromDir(dir: string): Promise<LoadedPack> {
  const folder = resolve(dir);
  const files = await readPackFiles(folder);
  return buildLoadedPack(files, {
    origin: folder,
    digest: archiveOfFiles(files).digest,
    source: 'folder',
  });
}

/** A loaded pack from an archive that passed verification: signed, its signer recorded. */
export function loadPackFromVerified(verified: VerifiedPack, origin: string): LoadedPack {
  return buildLoadedPack(verified.entries, {
    origin,
    digest: verified.archiveDigest,
    source: 'registry',
    signer: { keyId: verified.signer.keyId, publisher: verified.signer.publisher },
  });
}

function buildLoadedPack(
  files: readonly ArchiveEntry[],
  from: Pick<LoadedPack, 'digest' | 'source' | 'signer'> & { origin: string },
): LoadedPack {
  const { origin } = from;
  const manifestFile = files.find((file) => file.path === MANIFEST_FILE);
  if (manifestFile === undefined) {
    throw new PackError('unreadable', `${join(origin, MANIFEST_FILE)} does not exist`);
  }
  const manifest = parseManifest(manifestFile.bytes, join(origin, MANIFEST_FILE));

  // The schema allows a bare file name only; looking it up among the files already walked
  // (regular files, no symlinks) keeps the instructions inside the pack.
  const instructionsPath = join(origin, manifest.instructions);
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
  for (const script of manifest.scripts ?? []) {
    if (!files.some((file) => file.path === script))
      throw new PackError(
        'invalid-manifest',
        `${join(origin, script)} (a script the manifest names) does not exist`,
      );
  }

  const compile = createArgsCompiler();
  const tools = new Map<string, LoadedTool>();
  for (const tool of manifest.tools) {
    const validateArgs = compile(tool.args, `${join(origin, MANIFEST_FILE)}: tool ${tool.name}`);
    tools.set(
      tool.name,
      Object.freeze({ manifest: tool, id: `${manifest.name}/${tool.name}`, validateArgs }),
    );
  }
  return Object.freeze({
    manifest,
    dir: origin,
    digest: from.digest,
    signed: from.source === 'registry',
    source: from.source,
    ...(from.signer === undefined ? {} : { signer: from.signer }),
    instructions,
    tools,
  });
}
