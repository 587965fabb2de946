import { describeError } from '../../core/index.js';
import {
  checkOutbound,
  DEFAULT_GUARD_SETTINGS,
  isDataClass,
  type DataClass,
} from '../../guard/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import type { GateDependencies } from '../types.js';

/**
 * Stage 4: what would leave with the call. The data rules for the tool's destination decide per
 * data class (allow, redact, block, needs-approval), with the classes a deciding permit allows
 * (`@allowData`) let through; secrets never leave. The run's and the destination's egress
 * budgets must hold the call. A denial names the data rule or budget that refused.
 */
export async function dataStage(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<StageVerdict> {
  const facts = context.outbound;
  if (context.resolved === undefined || facts === undefined) {
    return deny('not-resolved', 'data ran before resolve and policy');
  }
  const decision = context.policy;
  const allowed = new Set<DataClass>(
    (decision?.effect === 'deny' ? [] : (decision?.allowedData ?? [])).filter(isDataClass),
  );
  let check;
  try {
    check = await checkOutbound(
      dependencies.store,
      facts,
      dependencies.guard ?? DEFAULT_GUARD_SETTINGS,
      {
        allowed,
        at: dependencies.clock.now().toISOString(),
      },
    );
  } catch (error) {
    return deny(
      'guard-unavailable',
      `the data guard could not check the call: ${describeError(error)}`,
    );
  }
  const detail = { ...check.detail, runTainted: context.request.run.tainted };
  if (check.effect === 'deny')
    return deny(check.code, check.reason, { policyIds: check.ruleIds, detail });
  context.release = { args: check.args, bytes: check.bytes, records: check.records };
  if (check.effect === 'needs-approval') {
    context.dataApproval = { reasons: [check.reason], ruleIds: check.ruleIds };
    return { ok: true, detail: { ...detail, approval: check.ruleIds } };
  }
  return { ok: true, detail };
}
