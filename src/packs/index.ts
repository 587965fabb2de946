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
export { loadPackFromDir, loadPackFromVerified } from './load-pack.js';
export { loadCatalog, createCatalog } from './catalog.js';
export type { PackCatalog, PackProblem } from './catalog.js';
export type { LoadedPack, LoadedTool, ResolvedTool, ResolveOptions } from './types.js';
export type { ArgsValidation } from './args-validator.js';
export { packLimits, readPackFiles } from './pack-files.js';
export { MANIFEST_FILE, parseManifest } from './parse-manifest.js';
export { parsePackPin, formatPackPin, pinOf, selectPack } from './pins.js';
export type { PackPin, PinSelection } from './pins.js';
export { buildArchive, buildPackArchive, archiveOfFiles } from './archive/build-archive.js';
export type { ArchiveEntry, BuiltArchive } from './archive/build-archive.js';
export { readArchive } from './archive/read-archive.js';
export { archiveLimits } from './archive/limits.js';
export { generatePublisherKey, keyIdOf, parsePublicKey, parsePrivateKey } from './signing/keys.js';
export type { SigningAlgorithm, PublisherKeyPair, ParsedKey } from './signing/keys.js';
export { pae, signEnvelope, IN_TOTO_PAYLOAD_TYPE } from './signing/dsse.js';
export type { DsseEnvelope } from './signing/dsse.js';
export { STATEMENT_TYPE, PACK_PREDICATE_TYPE, packStatement } from './signing/statement.js';
export type { PackStatement, PackPredicate } from './signing/statement.js';
export { signPackArchive } from './signing/sign-pack.js';
export type { BuildProvenance } from './signing/sign-pack.js';
export { PackVerifyError } from './verify/errors.js';
export type { PackVerifyErrorCode } from './verify/errors.js';
export { verifyPack, verifyPackReport } from './verify/verify-pack.js';
export type { VerifyPackInput, VerifiedPack, CheckOutcome } from './verify/verify-pack.js';
export type { TrustedKey } from './verify/trusted-key.js';
export { nameAllowed } from './verify/trusted-key.js';
export type { AdmittedVersion } from './verify/check-rollback.js';
export { compareVersions } from './verify/semver.js';
export { PackGuard, decidePack, PACK_STATE_TTL_MS } from './registry/pack-guard.js';
export type { PackAdmissionCheck, PackVerdict } from './registry/pack-guard.js';
export type { PackStateSnapshot } from './registry/pack-state.js';
export { loadRegistryPack } from './registry/load-registry-pack.js';
export { publishPack, verifyForEnvironment } from './registry/publish.js';
export { toTrustedKey, trustedKeysFor, admittedVersionsFor } from './registry/registry-trust.js';
export { loadAdmittedPacks } from './registry/load-admitted.js';
export { packNeedsSchema } from './manifest-needs.js';
export type { PackNeeds } from './manifest-needs.js';
export {
  checkMcpToolPin,
  listMcpTools,
  mcpToolDigest,
  parseMcpTools,
  mcpLimits,
} from './import/mcp-tools.js';
export type { McpToolListing, McpToolPin, McpPinVerdict } from './import/mcp-tools.js';
export { importMcpTools } from './import/mcp-import.js';
export type { McpImportResult } from './import/mcp-import.js';
export { importSkill } from './import/skill-import.js';
export type { SkillImportResult } from './import/skill-import.js';
export { parseSkillFrontMatter } from './import/skill-front-matter.js';
