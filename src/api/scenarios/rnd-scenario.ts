import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { UserRecord } from '../../store/index.js';
import { SHIPPED_PACKS_DIR } from '../home.js';
import { CastellanService } from '../service.js';
import { auditCheck, type ScenarioEvent, type ScenarioSummary } from './itops-scenario.js';
import { refuseUnsignedPacks } from './rnd-pack-refusals.js';

type Check = ScenarioSummary['checks'][number];

/** The environment a provisioning step left in its sandbox work folder, as files on the host. */
function provisioned(home: string, runId: string, stepIndex: number): Check {
  const folder = join(home, 'work', runId, String(stepIndex), 'env');
  const wanted = ['bin/service.sh', 'config/service.json', 'logs/heartbeat', 'data/status.json'];
  const missing = wanted.filter((file) => !existsSync(join(folder, file)));
  let status: { healthy?: unknown } = {};
  try {
    status = JSON.parse(readFileSync(join(folder, 'data/status.json'), 'utf8')) as typeof status;
  } catch {
    // reported below as missing or unhealthy
  }
  return {
    name: 'environment provisioned in the sandbox work folder',
    ok: missing.length === 0 && status.healthy === true,
    detail: missing.length > 0 ? `missing ${missing.join(', ')}` : `${folder}: service healthy`,
  };
}

/** The first lines of what a failed shell step wrote to stderr (its own account of the refusal). */
function stderrOf(step: { result: unknown } | undefined): string {
  const result = step?.result as { output?: { stderr?: unknown }; stderr?: unknown } | null;
  const stderr = result?.output?.stderr ?? result?.stderr;
  return typeof stderr === 'string' ? stderr.trim().split('\n').slice(0, 4).join(' | ') : '';
}

/** Runs one hostile script of the pack as its own run and reports how the sandbox stopped it. */
async function hostile(
  service: CastellanService,
  operator: UserRecord,
  tool: string,
  onEvent: (event: ScenarioEvent) => void,
): Promise<{ check: Check; denied: number; failed: number }> {
  onEvent({ kind: 'info', text: `running the pack's ${tool} script in the sandbox` });
  const view = await service.startRun(operator, {
    agent: 'rnd-agent',
    prompt: `run ${tool}`,
    planner: 'scripted',
    script: [{ tool, args: {} }],
  });
  view.steps.forEach((step) => onEvent({ kind: 'step', step }));
  const step = view.steps[0];
  onEvent({ kind: 'denial', text: `${tool} stopped: ${step?.error ?? ''}; ${stderrOf(step)}` });
  const stopped = step !== undefined && (step.status === 'failed' || step.status === 'denied');
  return {
    check: {
      name: `${tool} stopped by the sandbox and recorded`,
      ok: stopped && view.run.status !== 'completed',
      detail: `${step?.status ?? 'no step'}: ${step?.error ?? view.run.reason ?? ''}`.slice(0, 300),
    },
    denied: step?.status === 'denied' ? 1 : 0,
    failed: step?.status === 'failed' ? 1 : 0,
  };
}

/**
 * R&D provisioning, end to end: the signed `@castellan/rnd` pack's script provisions a test
 * environment (folders, a config, a service started and checked) in the sandbox; a tampered
 * copy and a copy signed by an unknown key are refused; the pack's scripts that reach for the
 * network or the host's secrets are stopped by the sandbox, and every call is on record.
 */
export async function runRndScenario(
  homeFolder: string,
  onEvent: (event: ScenarioEvent) => void = () => undefined,
): Promise<ScenarioSummary> {
  const home = resolve(homeFolder);
  const service = await CastellanService.open(home);
  try {
    const operator = await service.localUser('operator');
    onEvent({ kind: 'info', text: 'provisioning a test environment with the signed pack' });
    const view = await service.startRun(operator, {
      agent: 'rnd-agent',
      prompt: 'Provision the rnd-test environment.',
    });
    view.steps.forEach((step) => onEvent({ kind: 'step', step }));
    onEvent({ kind: 'run', run: view.run });
    const provisionStep = view.steps.find((step) => step.tool.endsWith('/provision-env'));
    const refusals = await refuseUnsignedPacks(service, home, join(SHIPPED_PACKS_DIR, 'rnd'));
    for (const refusal of refusals)
      onEvent({ kind: 'denial', text: `${refusal.name}: ${refusal.detail}` });
    const network = await hostile(service, operator, 'fetch-toolchain', onEvent);
    const secrets = await hostile(service, operator, 'collect-credentials', onEvent);
    const audit = await service.verifyAudit(await service.localUser('auditor'));
    return {
      scenario: 'rnd',
      runId: view.run.id,
      status: view.run.status,
      allowed: view.steps.filter((step) => step.status === 'succeeded').length,
      denied: refusals.length + network.denied + secrets.denied + network.failed + secrets.failed,
      approved: 0,
      rolledBack: 0,
      checks: [
        {
          name: 'provisioning run completed',
          ok: view.run.status === 'completed',
          detail: view.run.reason ?? view.run.status,
        },
        provisionStep === undefined
          ? { name: 'environment provisioned', ok: false, detail: 'no provision step' }
          : provisioned(home, view.run.id, provisionStep.index),
        ...refusals,
        network.check,
        secrets.check,
        auditCheck(audit),
      ],
      audit,
    };
  } finally {
    await service.close();
  }
}
