import { sha256Hex } from '../../../core/index.js';
import type { LoadedPack, LoadedTool } from '../../../packs/index.js';

/**
 * Names for Castellan tools where only `[A-Za-z0-9_-]` fits (model providers' function names,
 * MCP tool names): `@castellan/itops/restart-service` becomes `castellan-itops__restart-service`.
 * The mapping is recomputed from the agent's packs every turn, never stored, so a name a model
 * invents maps to nothing and goes to the gate as it is (where it is denied as unknown).
 */
const MAX_NAME = 64;

/** The external name of one tool. */
export function externalToolName(packName: string, toolName: string): string {
  const pack = packName.replace(/^@/, '').replace(/[^A-Za-z0-9_-]+/g, '-');
  const name = `${pack}__${toolName}`;
  if (name.length <= MAX_NAME) return name;
  // Long names keep a readable head and a digest tail, so two long names never collide.
  return `${name.slice(0, MAX_NAME - 13)}-${sha256Hex(name).slice(0, 12)}`;
}

/** The tools of a set of packs by external name, in a stable order. */
export function toolsByExternalName(packs: readonly LoadedPack[]): Map<string, LoadedTool> {
  const byName = new Map<string, LoadedTool>();
  for (const pack of packs) {
    for (const tool of pack.tools.values()) {
      byName.set(externalToolName(pack.manifest.name, tool.manifest.name), tool);
    }
  }
  return byName;
}

/** The external name of a tool id (`pack/tool`), or undefined when no pack of the set has it. */
export function externalNameOf(packs: readonly LoadedPack[], toolId: string): string | undefined {
  for (const [name, tool] of toolsByExternalName(packs)) if (tool.id === toolId) return name;
  return undefined;
}
