import { PackError } from './errors.js';
import { parsePackPin, selectPack, type PackPin } from './pins.js';
import type { LoadedPack, ResolvedTool, ResolveOptions } from './types.js';

// A tool reference comes from model output (attacker-controlled): matched against one strict
// pattern, never used as a path or a key before that.
const toolRefPattern = /^(?:(@[a-z0-9-]{1,40}\/)?([a-z][a-z0-9-]{0,62})\/)?([a-z][a-z0-9-]{0,62})$/;

/** Whether a pack is the one a tool reference's pack part names (or any pack, for a bare tool). */
function namedBy(
  pack: LoadedPack,
  scope: string | undefined,
  base: string | undefined,
  tool: string,
): boolean {
  const name = pack.manifest.name;
  if (base === undefined) return pack.tools.has(tool);
  if (scope !== undefined) return name === `${scope}${base}`;
  return name === base || name.endsWith(`/${base}`);
}

/**
 * Resolves a tool reference among the packs the agent's entries select. A short pack name
 * (`itops/x`) matches `itops` and any `@scope/itops`; a bare tool name matches any selected pack
 * holding that tool. Either must name exactly one selected pack.
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
  const selected: Array<{ pack: LoadedPack; pin: PackPin; entry: string }> = [];
  for (const entry of allowedPacks) {
    const pin = parsePackPin(entry);
    const selection = selectPack(packs, pin);
    if (selection.kind === 'found') {
      if (namedBy(selection.pack, scope, base, toolName))
        selected.push({ pack: selection.pack, pin, entry });
      continue;
    }
    const named = (selection.kind === 'none' ? selection.sameName : selection.packs).filter(
      (pack) => namedBy(pack, scope, base, toolName),
    );
    if (named.length === 0) continue;
    const found = named.map(
      (pack) => `${pack.manifest.name}@${pack.manifest.version} (${pack.digest})`,
    );
    if (selection.kind === 'ambiguous') {
      throw new PackError(
        'ambiguous-tool',
        `${toolRef}: the agent's entry ${entry} matches several pack contents (${found.join(', ')}); pin a version and digest`,
        { details: { toolRef, entry } },
      );
    }
    throw new PackError(
      'pin-mismatch',
      `${toolRef}: the agent pins ${entry}, but only ${found.join(', ')} is installed`,
      { details: { toolRef, entry, installed: found } },
    );
  }
  if (selected.length === 0) {
    const candidates = packs.filter((pack) => namedBy(pack, scope, base, toolName));
    if (candidates.length > 0) {
      const names = [
        ...new Set(candidates.map((pack) => `${pack.manifest.name}@${pack.manifest.version}`)),
      ];
      throw new PackError(
        'pack-not-allowed',
        `${toolRef}: pack ${names.join(', ')} is not among the agent's packs`,
        { details: { toolRef, packs: candidates.map((pack) => pack.manifest.name) } },
      );
    }
    throw new PackError('unknown-tool', `${toolRef}: no such tool in the agent's packs`, {
      details: { toolRef },
    });
  }
  const distinct = [...new Map(selected.map((each) => [each.pack, each])).values()];
  const [chosen] = distinct;
  if (chosen === undefined || distinct.length > 1) {
    const names = distinct.map((each) => each.pack.manifest.name).join(', ');
    throw new PackError(
      'ambiguous-tool',
      `${toolRef} matches several packs (${names}); name the pack in full`,
      { details: { toolRef, packs: distinct.map((each) => each.pack.manifest.name) } },
    );
  }
  const { pack, pin } = chosen;
  const tool = pack.tools.get(toolName);
  if (tool === undefined) {
    throw new PackError(
      'unknown-tool',
      `${toolRef}: pack ${pack.manifest.name} has no tool ${toolName}`,
      { details: { toolRef, pack: pack.manifest.name } },
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
  return { pack, tool, pin };
}
