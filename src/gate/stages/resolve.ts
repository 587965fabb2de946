import { describeError } from '../../core/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import { fillTemplate } from '../template.js';
import type { GateDependencies } from '../types.js';

/**
 * Stage 1: tool → pack and tool manifest; the pack must be one the agent may use and admitted to
 * this environment (unsigned local packs only where allowed); arguments must satisfy the tool's
 * schema. The tool name and arguments come from the planner: untrusted.
 */
export function resolveStage(dependencies: GateDependencies, context: CallContext): StageVerdict {
  const { request } = context;
  if (typeof request.tool !== 'string' || request.tool.length === 0 || request.tool.length > 300) {
    return deny('unknown-tool', 'the tool name is missing or too long');
  }
  let found;
  try {
    found = dependencies.catalog.resolve(request.tool, request.agent.packs, {
      environment: dependencies.environment,
      allowUnsignedIn: dependencies.allowUnsignedIn,
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'resolve-failed';
    return deny(code, describeError(error));
  }
  const { pack, tool } = found;
  const detail = {
    tool: tool.id,
    pack: {
      name: pack.manifest.name,
      version: pack.manifest.version,
      digest: pack.digest,
      signed: pack.signed,
    },
  };
  const validated = tool.validateArgs(request.args);
  if (!validated.ok)
    return deny('invalid-args', `arguments do not fit ${tool.id}: ${validated.error}`, { detail });
  const resourceId = fillTemplate(tool.manifest.resource.id, validated.value);
  if (!resourceId.ok) return deny('invalid-args', resourceId.error, { detail });
  context.resolved = {
    pack,
    tool,
    args: validated.value,
    resource: { type: tool.manifest.resource.type, id: resourceId.value },
  };
  return { ok: true, detail: { ...detail, resource: context.resolved.resource } };
}
