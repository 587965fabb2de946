import { join, resolve } from 'node:path';
import type { ChainVerification } from '../../audit/index.js';
import { createSupervisor } from '../../sandbox/index.js';
import type { RunRecord, StepRecord } from '../../store/index.js';
import { CastellanService } from '../service.js';
import { FAKE_MODEL_FIXTURES, startFakeModel } from './fake-model-target.js';
import { startItopsFleet, waitForIncident } from './itops-fleet-target.js';
import { changeConfigAndRollBack } from './itops-rollback.js';

/** How the scenario's agent plans: its pack's playbook, or a model (the local fake model). */
export interface ScenarioOptions {
  planner?: 'playbook' | 'llm';
}

/** A line of progress for the person watching. */
export type ScenarioEvent =
  | { kind: 'info'; text: string }
  | { kind: 'step'; step: StepRecord }
  | { kind: 'run'; run: RunRecord }
  | { kind: 'approval'; text: string }
  | { kind: 'denial'; text: string };

/** What a scenario did, for the summary table. */
export interface ScenarioSummary {
  scenario: string;
  runId: string;
  status: RunRecord['status'];
  allowed: number;
  denied: number;
  approved: number;
  rolledBack: number;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  audit: ChainVerification;
}

/** The check every scenario ends with: the audit log it left verifies. */
export function auditCheck(audit: ChainVerification): ScenarioSummary['checks'][number] {
  return {
    name: 'audit log verifies',
    ok: audit.ok,
    detail: audit.ok ? `${audit.entries} entries` : audit.reason,
  };
}

/**
 * IT operations, end to end: a fleet with a failing service; the itops agent reads the fleet
 * status and the logs and runs a sandboxed diagnostic on its own, proposes a restart that needs
 * an approver; the demo approves as `approver` (saying so), the service is restarted for real,
 * and the scenario checks the service is healthy and the audit log verifies.
 */
export async function runItopsScenario(
  homeFolder: string,
  onEvent: (event: ScenarioEvent) => void = () => undefined,
  options: ScenarioOptions = {},
): Promise<ScenarioSummary> {
  const home = resolve(homeFolder);
  const supervisor = createSupervisor();
  try {
    onEvent({
      kind: 'info',
      text: 'starting the service fleet (web, api, payments) as local processes',
    });
    const fleet = await startItopsFleet(supervisor, join(home, 'targets', 'itops-fleet'));
    const incident = await waitForIncident(fleet.url);
    onEvent({
      kind: 'info',
      text: `fleet at ${fleet.url}; incident: ${incident ?? 'none seen yet'} is unhealthy`,
    });
    const llm = options.planner === 'llm';
    const model = llm ? await startFakeModel(supervisor, [FAKE_MODEL_FIXTURES.itops]) : undefined;
    if (model !== undefined)
      onEvent({ kind: 'info', text: `model: recorded exchanges served at ${model.url}` });
    const service = await CastellanService.open(home, {
      connectorSettings: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } },
      ...(model === undefined ? {} : { models: { default: model.profile } }),
    });
    try {
      const operator = await service.localUser('operator');
      const started = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'A service in the fleet is failing: diagnose it and restart it if that fixes it.',
        ...(llm ? { planner: 'llm' } : {}),
      });
      started.steps.forEach((step) => onEvent({ kind: 'step', step }));
      onEvent({ kind: 'run', run: started.run });
      let run = started.run;
      let approved = 0;
      const approver = await service.localUser('approver');
      for (const pending of await service.listApprovals(approver, {
        status: ['pending'],
        runId: run.id,
      })) {
        onEvent({
          kind: 'approval',
          text: `approving ${pending.tool} ${JSON.stringify(pending.args)} as "approver" (not the requester "operator")`,
        });
        const decided = await service.decideApproval(approver, pending.id, {
          decision: 'approve',
          reason: 'diagnosis shows a connection leak; restart is the runbook fix',
        });
        approved += decided.approval.status === 'approved' ? 1 : 0;
        run = decided.run;
      }
      const view = await service.getRun(operator, run.id);
      view.steps
        .slice(Math.max(0, started.steps.length - 1))
        .forEach((step) => onEvent({ kind: 'step', step }));
      onEvent({ kind: 'run', run: view.run });
      const health = await fetch(
        new URL(`/services/${incident ?? 'payments'}/health`, fleet.url),
      ).then((response) => response.json() as Promise<{ healthy?: boolean }>);
      const config = await changeConfigAndRollBack(
        service,
        fleet.stateDir,
        incident ?? 'payments',
        onEvent,
      );
      const audit = await service.verifyAudit(await service.localUser('auditor'));
      const signedPacks = await signedPackCheck(service, operator);
      return {
        scenario: llm ? 'itops-llm' : 'itops',
        runId: run.id,
        status: view.run.status,
        allowed: view.steps.filter(
          (step) => step.status === 'succeeded' || step.status === 'failed',
        ).length,
        denied: view.steps.filter((step) => step.status === 'denied').length,
        approved: approved + config.approved,
        rolledBack: config.rolledBack,
        checks: [
          {
            name: 'run completed',
            ok: view.run.status === 'completed',
            detail: view.run.reason ?? view.run.status,
          },
          {
            name: `${incident ?? 'payments'} healthy after restart`,
            ok: health.healthy === true,
            detail: JSON.stringify(health),
          },
          ...config.checks,
          signedPacks,
          auditCheck(audit),
        ],
        audit,
      };
    } finally {
      await service.close();
    }
  } finally {
    await supervisor.stopAll();
  }
}

/** The agent runs signed packs pinned by digest and admitted to the home's environment. */
async function signedPackCheck(
  service: CastellanService,
  actor: Awaited<ReturnType<CastellanService['localUser']>>,
): Promise<{ name: string; ok: boolean; detail: string }> {
  const agent = (await service.listAgents(actor)).find((each) => each.id === 'itops-agent');
  const environment = service.config.environment;
  const admitted = (await service.packs.list(actor)).filter((pack) =>
    pack.environments.includes(environment),
  );
  const pinned = agent?.packs ?? [];
  const ok =
    pinned.length > 0 &&
    pinned.every((entry) =>
      admitted.some((pack) => entry === `${pack.name}@${pack.version}#${pack.digest}`),
    );
  return {
    name: `signed packs pinned and admitted to ${environment}`,
    ok,
    detail: pinned.join(', ') || 'no packs',
  };
}
