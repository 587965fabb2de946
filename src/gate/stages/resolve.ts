import { describeError } from '../../core/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import { fillTemplate } from '../template.js';
import type { GateDependencies } from '../types.js';

/**
 * Stage 1: tool → pack and tool manifest. The pack must be one the agent pins; outside the
 * environments that allow unsigned packs it must be signed, admitted here with exactly the
 * pinned digest, signed by a key still trusted here; and never quarantined (read from the store
 * on every call). Arguments must satisfy the tool's schema. The tool name and arguments come
 * from the planner: untrusted.
 */
export async function resolveStage(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<StageVerdict> {
  const { request } = context;
  if (typeof request.tool !== 'string' || request.tool.length === 0 || request.tool.length > 300) {
    return deny('unknown-tool', 'the tool name is missing or too long');
  }
  let found;
  try {
    await dependencies.packs?.prepare(dependencies.catalog, request.agent.packs);
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
      ...(pack.signer === undefined ? {} : { signer: pack.signer.keyId }),
    },
  };
  const admission =
    dependencies.packs === undefined
      ? pack.signed
        ? {
            ok: false as const,
            code: 'pack-state-unavailable',
            reason: `${pack.manifest.name}@${pack.manifest.version} is signed, but no pack state is wired to check its admission`,
          }
        : { ok: true as const }
      : await dependencies.packs.check(
          found,
          dependencies.environment,
          dependencies.allowUnsignedIn,
        );
  if (!admission.ok) return deny(admission.code, admission.reason, { detail });
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
