import type { PackManifest, ToolManifest } from './manifest.js';
import type { ArgsValidation } from './args-validator.js';
import type { Environment } from '../config/index.js';
import type { PackPin } from './pins.js';

/** A pack read from a local folder or from a verified archive in the registry, its tools compiled. */
export interface LoadedPack {
  manifest: PackManifest;
  /** Absolute path of the pack folder, or `registry:<name>@<version>` for a registry pack. */
  dir: string;
  /** `sha256:<hex>` of the pack's canonical archive (for a folder: of the archive built from it). */
  digest: string;
  /** True only for a registry pack whose signature verified with a trusted key. */
  signed: boolean;
  /** Where it came from: a local (unsigned) folder or the registry (signed, verified). */
  source: 'folder' | 'registry';
  /** The trusted key that signed a registry pack. */
  signer?: { keyId: string; publisher: string };
  instructions: string;
  /** Keyed by the tool's name within the pack (`restart-service`). */
  tools: ReadonlyMap<string, LoadedTool>;
}

/** One tool of a loaded pack, with its compiled argument check. */
export interface LoadedTool {
  manifest: ToolManifest;
  /** `<pack name>/<tool name>`, e.g. `@castellan/itops/restart-service`. */
  id: string;
  /** Checks arguments (attacker-controlled model output) against the tool's schema. */
  validateArgs(args: unknown): ArgsValidation;
}

/** Where a tool call may resolve: the run's environment and where unsigned packs are allowed. */
export interface ResolveOptions {
  environment: Environment;
  allowUnsignedIn: readonly Environment[];
}

/** A tool reference resolved to its pack and tool, and the agent's entry that selected the pack. */
export interface ResolvedTool {
  pack: LoadedPack;
  tool: LoadedTool;
  pin: PackPin;
}
