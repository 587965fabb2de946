import { describeError, digestOf } from '../../core/index.js';
import { checkInbound, DEFAULT_GUARD_SETTINGS } from '../../guard/index.js';
import { connectorFor, type Connector, type ConnectorCall } from '../../connectors/index.js';
import type { CallContext } from '../context.js';
import type { GateDependencies } from '../types.js';

/** What running the connector produced, before it is recorded. */
export type Execution =
  | {
      kind: 'ran';
      ok: boolean;
      output: unknown;
      error?: string;
      taints: boolean;
      resultDigest: string;
      details: Record<string, unknown>;
    }
  | { kind: 'refused'; code: string; reason: string };

const MAX_STATE_BYTES = 16 * 1024;

/** Builds the call a connector receives; undefined when no connector serves the tool. */
export function connectorCall(
  dependencies: GateDependencies,
  context: CallContext,
): { connector: Connector; call: ConnectorCall } | undefined {
  const resolved = context.resolved;
  if (resolved === undefined) return undefined;
  const connector = dependencies.connectors.get(connectorFor(resolved.tool.manifest));
  if (connector === undefined) return undefined;
  const call: ConnectorCall = {
    pack: resolved.pack,
    tool: resolved.tool.manifest,
    // What the data stage released: placeholders restored, or kept where a rule redacts.
    args: context.release?.args ?? resolved.args,
    runId: context.request.run.id,
    stepIndex: context.request.stepIndex,
    // The same for every attempt at this step, so a re-run after a crash is recognisable.
    idempotencyKey: `${context.request.run.id}:${context.request.stepIndex}`,
    settings: dependencies.connectorSettings,
  };
  if (context.request.signal !== undefined) call.signal = context.request.signal;
  return { connector, call };
}

/** Observes a resource's state for the record; a failure to observe is noted, not fatal. */
export async function observe(connector: Connector, call: ConnectorCall): Promise<unknown> {
  if (connector.observe === undefined || call.tool.effect !== 'write') return undefined;
  try {
    return boundState(await connector.observe(call));
  } catch (error) {
    return { unobservable: describeError(error) };
  }
}

/**
 * Stage 6 and the inbound half of stage 4: runs the connector (in-process, or the sandbox for
 * shell tools), then passes the result through the data guard (secrets redacted, taint noted).
 * A connector that cannot start its isolation throws: that is a refusal, never a fallback.
 */
export async function execute(
  dependencies: GateDependencies,
  context: CallContext,
  connector: Connector,
  call: ConnectorCall,
  untrustedOutput: boolean,
): Promise<Execution> {
  let result;
  try {
    result = await connector.invoke(call);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'connector-error';
    return { kind: 'refused', code, reason: describeError(error) };
  }
  const inbound = await checkInbound(
    dependencies.store,
    {
      orgId: context.request.orgId,
      runId: context.request.run.id,
      output: result.output,
      untrusted: untrustedOutput,
      at: dependencies.clock.now().toISOString(),
    },
    (dependencies.guard ?? DEFAULT_GUARD_SETTINGS).rules,
  );
  // A result the guard held back is a failed step: the planner must not act on half of it.
  const ok = result.ok && inbound.withheld === undefined;
  const error = result.ok ? inbound.withheld : result.error;
  return {
    kind: 'ran',
    ok,
    output: inbound.output,
    ...(error === undefined ? {} : { error }),
    taints: inbound.taints,
    resultDigest: digestOf(inbound.output ?? null),
    details: {
      ...(result.details ?? {}),
      guard: {
        checked: inbound.checked,
        classes: inbound.classes,
        redacted: inbound.findings
          .filter((finding) => finding.action === 'redact')
          .map((finding) => ({ path: finding.path, dataClass: finding.dataClass })),
      },
    },
  };
}

function boundState(state: unknown): unknown {
  if (state === undefined) return undefined;
  const text = JSON.stringify(state) ?? 'null';
  if (text.length <= MAX_STATE_BYTES) return state;
  return { digest: digestOf(state), truncated: true, bytes: text.length };
}
