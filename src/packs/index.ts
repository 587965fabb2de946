export {
  packManifestSchema,
  packNameSchema,
  scopeSchema,
  toolConnectorSchema,
  toolManifestSchema,
  playbookSchema,
} from './manifest.js';
export type {
  PackManifest,
  ToolManifest,
  ToolConnector,
  Playbook,
  PlaybookStep,
} from './manifest.js';
export { PackError } from './errors.js';
export type { PackErrorCode } from './errors.js';
export { loadPackFromDir } from './load-pack.js';
export { loadCatalog, createCatalog } from './catalog.js';
export type { PackCatalog, PackProblem } from './catalog.js';
export type { LoadedPack, LoadedTool, ResolvedTool, ResolveOptions } from './types.js';
export type { ArgsValidation } from './args-validator.js';
export { packLimits } from './pack-files.js';
export { MANIFEST_FILE } from './parse-manifest.js';
