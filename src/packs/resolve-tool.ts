import { PackError } from './errors.js';
import type { LoadedPack, ResolvedTool, ResolveOptions } from './types.js';

// A tool reference comes from model output (attacker-controlled): matched against one strict
// pattern, never used as a path or a key before that.
const toolRefPattern = /^(?:(@[a-z0-9-]{1,40}\/)?([a-z][a-z0-9-]{0,62})\/)?([a-z][a-z0-9-]{0,62})$/;
const allowedPattern = /^(@[a-z0-9-]{1,40}\/[a-z][a-z0-9-]{0,62}|[a-z][a-z0-9-]{0,62})(?:@(.+))?$/;

/** An agent's pack entry: `@acme/itops` or, pinned, `@acme/itops@1.2.0`. */
function isAllowed(pack: LoadedPack, allowedPacks: readonly string[]): boolean {
  return allowedPacks.some((entry) => {
    const match = allowedPattern.exec(entry);
    if (match === null || match[1] !== pack.manifest.name) return false;
    return match[2] === undefined || match[2] === pack.manifest.version;
  });
}

/**
 * Resolves a tool reference among the agent's allowed packs. A short pack name (`itops/x`)
 * matches `itops` and any `@scope/itops`; a bare tool name matches any pack holding that tool.
 * Either must name exactly one allowed pack.
 */
export function resolveTool(
  packs: readonly LoadedPack[],
  toolRef: string,
  allowedPacks: readonly string[],
  options: ResolveOptions,
): ResolvedTool {
  const match = toolRef.length <= 200 ? toolRefPattern.exec(toolRef) : null;
  if (match === null) {
    throw new PackError(
      'unknown-tool',
      `"${toolRef.slice(0, 200)}" is not a tool reference such as @acme/pack/tool`,
    );
  }
  const [, scope, base, toolName = ''] = match;
  const candidates = packs.filter((pack) => {
    const name = pack.manifest.name;
    if (base === undefined) return pack.tools.has(toolName);
    if (scope !== undefined) return name === `${scope}${base}`;
    return name === base || name.endsWith(`/${base}`);
  });
  const allowed = candidates.filter((pack) => isAllowed(pack, allowedPacks));
  if (allowed.length === 0) {
    if (candidates.length > 0) {
      const names = candidates
        .map((pack) => `${pack.manifest.name}@${pack.manifest.version}`)
        .join(', ');
      throw new PackError(
        'pack-not-allowed',
        `${toolRef}: pack ${names} is not among the agent's packs`,
        {
          details: { toolRef, packs: candidates.map((pack) => pack.manifest.name) },
        },
      );
    }
    throw new PackError('unknown-tool', `${toolRef}: no such tool in the agent's packs`, {
      details: { toolRef },
    });
  }
  const [pack] = allowed;
  if (pack === undefined || allowed.length > 1) {
    const names = allowed.map((each) => each.manifest.name).join(', ');
    throw new PackError(
      'ambiguous-tool',
      `${toolRef} matches several packs (${names}); name the pack in full`,
      {
        details: { toolRef, packs: allowed.map((each) => each.manifest.name) },
      },
    );
  }
  const tool = pack.tools.get(toolName);
  if (tool === undefined) {
    throw new PackError(
      'unknown-tool',
      `${toolRef}: pack ${pack.manifest.name} has no tool ${toolName}`,
      {
        details: { toolRef, pack: pack.manifest.name },
      },
    );
  }
  if (!pack.signed && !options.allowUnsignedIn.includes(options.environment)) {
    throw new PackError(
      'unsigned-pack-refused',
      `${tool.id}: pack ${pack.manifest.name} is unsigned and unsigned packs are allowed only in ` +
        `${options.allowUnsignedIn.join(', ') || 'no environment'}, not ${options.environment}`,
      { details: { pack: pack.manifest.name, environment: options.environment } },
    );
  }
  return { pack, tool };
}
