import { checkOutbound } from '../../guard/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';

/**
 * Stage 4: what would leave with the call. First version: credentials in arguments are refused
 * (connectors inject credentials; the planner never handles them). Records what it checked and
 * whether the run is tainted, so later policies can use both.
 */
export function dataStage(context: CallContext): StageVerdict {
  const resolved = context.resolved;
  if (resolved === undefined) return deny('not-resolved', 'data ran before resolve');
  const check = checkOutbound(resolved.args);
  const detail = { checked: check.checked, runTainted: context.request.run.tainted };
  if (check.effect === 'deny')
    return deny('secret-in-arguments', check.reason, { detail: { ...detail, paths: check.paths } });
  return { ok: true, detail };
}
