import type { LoadedPack, PackCatalog } from '../packs/index.js';
import { externalToolName } from '../runtime/index.js';
import type { AgentRecord } from '../store/index.js';
import { parseScope } from '../tokens/index.js';

/** A tool an external client may call through an agent, as MCP lists it. */
export interface GovernedTool {
  /** `[A-Za-z0-9_-]` name, e.g. `castellan-itops__restart-service`. */
  name: string;
  /** The Castellan tool id, e.g. `@castellan/itops/restart-service`. */
  toolId: string;
  description: string;
  inputSchema: Record<string, unknown>;
  readOnly: boolean;
  needsApproval: boolean;
  untrustedOutput: boolean;
}

/** The packs an agent is pinned to, as the catalog selects them. */
export function packsOfAgent(catalog: PackCatalog, agent: AgentRecord): LoadedPack[] {
  return agent.packs.flatMap((entry) => {
    const pack = catalog.get(entry);
    return pack === undefined ? [] : [pack];
  });
}

/**
 * The tools of an agent's packs whose required scopes its standing grants could cover for some
 * resource (the binding is checked per call by the gate). Listing is a courtesy, not a control:
 * every call still goes through the whole gate, so a tool left off here is also denied there.
 */
export function governedTools(agent: AgentRecord, packs: readonly LoadedPack[]): GovernedTool[] {
  const granted = agent.scopes.flatMap((scope) => {
    const parsed = parseScope(scope);
    return parsed === undefined ? [] : [`${parsed.domain}:${parsed.resource}.${parsed.verb}`];
  });
  const tools: GovernedTool[] = [];
  for (const pack of packs) {
    for (const tool of pack.tools.values()) {
      const usable = tool.manifest.scopes.every((template) => {
        const unbound = parseScope(template.replace(/:[^:]*\{[^}]*\}[^:]*$/, ''));
        return (
          unbound !== undefined &&
          granted.includes(`${unbound.domain}:${unbound.resource}.${unbound.verb}`)
        );
      });
      if (!usable) continue;
      tools.push({
        name: externalToolName(pack.manifest.name, tool.manifest.name),
        toolId: tool.id,
        description: tool.manifest.description,
        inputSchema: tool.manifest.args,
        readOnly: tool.manifest.effect === 'read',
        needsApproval: tool.manifest.approval !== undefined,
        untrustedOutput: tool.manifest.untrustedOutput,
      });
    }
  }
  return tools;
}

/** The tool id an external name stands for among an agent's packs; unknown names pass as they are. */
export function toolIdFor(packs: readonly LoadedPack[], name: string): string {
  for (const pack of packs) {
    for (const tool of pack.tools.values()) {
      if (externalToolName(pack.manifest.name, tool.manifest.name) === name) return tool.id;
    }
  }
  return name; // the gate resolves ids itself and denies what it cannot resolve
}
