import type { PackManifest, ToolManifest } from './manifest.js';
import type { ArgsValidation } from './args-validator.js';
import type { Environment } from '../config/index.js';

/** A pack read from a folder (later: from a verified archive), its tools compiled. */
export interface LoadedPack {
  manifest: PackManifest;
  /** Absolute path of the pack folder. */
  dir: string;
  /** `sha256:<hex>` over the sorted (relative path, sha256 of content) list of the pack's files. */
  digest: string;
  /** False for local folders; signing arrives with a later issue. */
  signed: boolean;
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

/** A tool reference resolved to its pack and tool. */
export interface ResolvedTool {
  pack: LoadedPack;
  tool: LoadedTool;
}
