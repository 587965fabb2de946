import type { CallContext } from './context.js';
import { connectorCall, observe } from './stages/execute.js';
import { resolveStage } from './stages/resolve.js';
import type { GateDependencies, ToolCallRequest } from './types.js';

/**
 * Reads the current state of the resource a call names, as the gate records pre- and post-state:
 * the tool is resolved among the agent's packs and its arguments checked first. A read with no
 * effect, so it is neither authorised nor audited here; the caller records what it concludes.
 * An unresolvable call or a failed read is `{ unobservable: reason }`.
 */
export async function observeResource(
  dependencies: GateDependencies,
  request: ToolCallRequest,
): Promise<unknown> {
  const context: CallContext = { request, stages: [] };
  const verdict = await resolveStage(dependencies, context);
  if (!verdict.ok) return { unobservable: verdict.reason };
  const prepared = connectorCall(dependencies, context);
  if (prepared === undefined) return { unobservable: `no connector serves ${request.tool}` };
  return (
    (await observe(prepared.connector, prepared.call)) ?? {
      unobservable: `${request.tool} does not change a resource its connector observes`,
    }
  );
}
