import { join, resolve } from 'node:path';
import { AuditLog, type AuditEntry, type LogVerification } from '../audit/index.js';
import { Approvals } from '../approvals/index.js';
import {
  loadConfig,
  readEnvironment,
  type CastellanConfig,
  type EnvironmentSettings,
  type ModelProfile,
} from '../config/index.js';
import type { ConnectorSettings } from '../connectors/index.js';
import { describeError, systemClock, type Clock } from '../core/index.js';
import { authenticateBearer, type ControlPlaneAction } from '../identity/index.js';
import { loadAdmittedPacks, loadCatalog, PackGuard, type PackCatalog } from '../packs/index.js';
import type { PolicyEngine } from '../policy/index.js';
import {
  directState,
  RunActivityBus,
  RunEngine,
  isAtRest,
  playbookState,
  scriptedState,
  type PlannerState,
  type RunActivityListener,
} from '../runtime/index.js';
import type { SandboxDriver, SandboxProbe } from '../sandbox/index.js';
import {
  openStore,
  type AgentRecord,
  type ApprovalDecisionRecord,
  type ApprovalRecord,
  type RunRecord,
  type RunStatus,
  type StepRecord,
  type Store,
  type UserRecord,
} from '../store/index.js';
import { loadInstanceKeys, type InstanceKeys } from '../tokens/index.js';
import { ApprovalWork } from './approval-work.js';
import { decisionEventType } from './approval-events.js';
import { AuditService } from './audit-service.js';
import { AccessService, wireAccess } from './access-service.js';
import { permitControlPlane } from './control-plane-authorizer.js';
import { localKey } from './credentials.js';
import { ApiError } from './errors.js';
import { isPackApproval } from './packs/pack-approvals.js';
import { PackService } from './packs/pack-service.js';
import { decisionSchema, parseInput, startRunSchema } from './inputs.js';
import { governedTools, packsOfAgent, toolIdFor, type GovernedTool } from './governed-tools.js';
import { llmRunState } from './llm-runs.js';
import { ObservedAuditLog } from './observed-audit-log.js';
import { RunRecovery } from './run-recovery.js';
import { wireGovernedPath } from './governed-path.js';
import { loadActiveEngine } from './policy-loading.js';
import { isPolicyApproval } from './policies/policy-approvals.js';
import { PolicyRuntime } from './policies/policy-runtime.js';
import { PolicyService } from './policies/policy-service.js';

/** Options for opening the service; tests replace the sandbox or the clock. */
export interface OpenOptions {
  environment?: EnvironmentSettings;
  clock?: Clock;
  sandbox?: SandboxDriver;
  /** Connector settings merged over the home's (e.g. a target started by the demo). */
  connectorSettings?: ConnectorSettings;
  /** Model profiles merged over the home's (e.g. the demo's local fake model). */
  models?: Record<string, ModelProfile>;
}

/** A run with its steps, as every interface shows it. */
export interface RunView {
  run: RunRecord;
  steps: StepRecord[];
}

/** An approval with its decisions. */
export interface ApprovalView {
  approval: ApprovalRecord;
  decisions: ApprovalDecisionRecord[];
}

/**
 * The application service: the one interface the HTTP server, the CLI and the tests use. Every
 * method takes the acting user and checks the control-plane permission before anything else.
 */
export class CastellanService {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Pack trust store, registry, admission, quarantine (set once, by open). */
  packs!: PackService;
  /** Accounts and keys, grants and scope requests, revocation and the kill switch (set by open). */
  access!: AccessService;
  /** Expiry sweeps, notification delivery and one-time decision links. */
  approvalWork!: ApprovalWork;
  /** Resuming runs a crash left behind, and rolling runs back. */
  recovery!: RunRecovery;
  /** Policy governance: versions, weakening changes and their approval, shadow mode, replay. */
  policies!: PolicyService;

  private constructor(
    readonly home: string,
    readonly config: CastellanConfig,
    readonly store: Store,
    private readonly audit: AuditLog,
    private readonly approvals: Approvals,
    private readonly engine: RunEngine,
    private readonly sandbox: SandboxDriver,
    private readonly catalog: PackCatalog,
    private readonly policyState: { engine?: PolicyEngine; problem?: string },
    private readonly clock: Clock,
    private readonly runtime: {
      activity: RunActivityBus;
      profiles: Readonly<Record<string, ModelProfile>>;
      /** Stops what the connectors started (local MCP servers). */
      dispose: () => Promise<void>;
    },
    /** The evidence-grade audit log: proofs, checkpoints, export, retention, holds. */
    readonly auditing: AuditService,
  ) {}

  /** Opens a home: settings, store, keys, packs, policies, sandbox, and the gate between them. */
  static async open(homeFolder: string, options: OpenOptions = {}): Promise<CastellanService> {
    const home = resolve(homeFolder);
    const environment = options.environment ?? readEnvironment();
    const clock = options.clock ?? systemClock;
    const config = loadConfig(home, environment);
    const store = await openStore(config.store);
    let auditing: AuditService | undefined;
    try {
      const keys: InstanceKeys = await loadInstanceKeys(join(home, 'keys'));
      const orgId = config.organisation.id;
      const activity = new RunActivityBus();
      const audit = new ObservedAuditLog(store, orgId, clock, activity);
      auditing = await AuditService.open({ home, config, store, log: audit, clock });
      const profiles = { ...config.models, ...(options.models ?? {}) };
      const approvals = new Approvals(store, clock);
      const catalog = await loadCatalog(config.packs.paths);
      // Registry versions admitted here are verified again as they load; pinned ones load lazily.
      const packGuard = new PackGuard(store, orgId, config.environment);
      await loadAdmittedPacks(catalog, store, orgId, config.environment);
      const policyRuntime = await PolicyRuntime.open(store, orgId, catalog);
      const policyState = policyRuntime.state;
      const access = wireAccess({ config, store, keys, clock });
      const { sandbox, mcp, engine, observeResource } = wireGovernedPath({
        home,
        config,
        options,
        store,
        audit,
        approvals,
        catalog,
        packGuard,
        policyRuntime,
        access,
        keys,
        activity,
        profiles,
        clock,
      });
      const service = new CastellanService(
        home,
        config,
        store,
        audit,
        approvals,
        engine,
        sandbox,
        catalog,
        policyState,
        clock,
        { activity, profiles, dispose: () => mcp.close() },
        auditing,
      );
      service.policies = new PolicyService({
        store,
        audit,
        approvals,
        runtime: policyRuntime,
        orgId,
        clock,
        approvalExpirySeconds: config.approvals.expiresAfterSeconds,
        permit: (actor, action) => service.permit(actor, action),
      });
      service.packs = new PackService({
        store,
        audit,
        approvals,
        catalog,
        guard: packGuard,
        orgId,
        environment: config.environment,
        clock,
        approvalExpirySeconds: config.approvals.expiresAfterSeconds,
        permit: (actor, action) => service.permit(actor, action),
      });
      service.access = new AccessService(
        {
          store,
          audit,
          engine,
          config,
          orgId,
          clock,
          permit: (actor, action) => service.permit(actor, action),
          resume: (runId, mode) => service.resume(runId, mode),
        },
        access,
      );
      const resume = (runId: string, mode: 'until-rest' | 'background') =>
        service.resume(runId, mode);
      const permitFor = (actor: UserRecord, action: ControlPlaneAction) =>
        service.permit(actor, action);
      service.approvalWork = new ApprovalWork({
        store,
        audit,
        approvals,
        config,
        keys,
        orgId,
        clock,
        permit: permitFor,
        resume,
      });
      service.recovery = new RunRecovery({
        store,
        audit,
        engine,
        catalog,
        orgId,
        clock,
        observe: observeResource,
        permit: permitFor,
        resume,
      });
      return service;
    } catch (error) {
      await auditing?.close().catch(() => undefined);
      await store.close();
      throw error;
    }
  }

  private get orgId(): string {
    return this.config.organisation.id;
  }

  /**
   * The user a presented bearer credential names: a local API key, or an OIDC access token when
   * an issuer is configured. The credential is attacker-controlled input.
   */
  async authenticate(presented: string): Promise<UserRecord> {
    return authenticateBearer(presented, {
      users: this.store.users,
      apiKeys: this.store.apiKeys,
      oidc: this.access.oidc,
      orgId: this.orgId,
      clock: this.clock,
    });
  }

  /** Embedded mode: the local user's key from the home's credentials file, authenticated. */
  async localUser(name: string): Promise<UserRecord> {
    return this.authenticate(localKey(this.home, name));
  }

  /** Starts a run. `until-rest` drives it here until it ends or waits for people. */
  async startRun(
    actor: UserRecord,
    raw: unknown,
    mode: 'until-rest' | 'background' = 'until-rest',
  ): Promise<RunView> {
    this.permit(actor, 'run.start');
    const input = parseInput(startRunSchema, raw, 'run request');
    const agent = await this.store.agents.get(this.orgId, input.agent);
    if (agent === undefined) {
      const known = (await this.store.agents.list(this.orgId)).map((candidate) => candidate.id);
      throw new ApiError(
        'unknown-agent',
        `no agent "${input.agent}"; agents: ${known.join(', ') || 'none'}`,
      );
    }
    // Loads (verifying) pinned registry versions; one that fails is refused by the gate, on record.
    await this.packs.guard.prepare(this.catalog, agent.packs).catch(() => undefined);
    let planner: PlannerState;
    let tainted = false;
    if ((input.planner ?? agent.planner.kind) === 'llm') {
      const llm = await llmRunState(
        this.store,
        this.catalog,
        this.runtime.profiles,
        this.orgId,
        agent,
        actor,
        input,
      );
      planner = llm.state;
      tainted = llm.tainted;
    } else {
      planner = this.plannerFor(
        agent,
        input.planner as 'playbook' | 'scripted' | undefined,
        input.script,
      );
    }
    const run = await this.engine.create({
      orgId: this.orgId,
      agent,
      user: actor,
      prompt: input.prompt,
      input: input.input,
      planner,
      ...(tainted ? { tainted } : {}),
    });
    if (mode === 'background') {
      this.track(this.driveOrFail(run.id));
      return { run, steps: [] };
    }
    await this.engine.drive(this.orgId, run.id);
    return this.view(run.id);
  }

  /** A run and its steps. */
  async getRun(actor: UserRecord, runId: string): Promise<RunView> {
    this.permit(actor, 'run.read');
    return this.view(runId);
  }

  /** Runs, newest first. */
  async listRuns(
    actor: UserRecord,
    filter: { status?: RunStatus[]; limit?: number } = {},
  ): Promise<RunRecord[]> {
    this.permit(actor, 'run.read');
    return this.store.runs.list(this.orgId, filter);
  }

  /** Cancels a run that has not ended. */
  async cancelRun(actor: UserRecord, runId: string, reason: string): Promise<RunView> {
    this.permit(actor, 'run.cancel');
    await this.view(runId);
    await this.engine.cancel(this.orgId, runId, actor.id, reason);
    return this.view(runId);
  }

  /** Approval requests, pending first. */
  async listApprovals(
    actor: UserRecord,
    filter: { status?: ApprovalRecord['status'][]; runId?: string } = {},
  ): Promise<ApprovalRecord[]> {
    this.permit(actor, 'approval.read');
    return this.store.approvals.list(this.orgId, filter);
  }

  /** One approval request with its decisions. */
  async getApproval(actor: UserRecord, approvalId: string): Promise<ApprovalView> {
    this.permit(actor, 'approval.read');
    return this.approvals.get(this.orgId, approvalId);
  }

  /**
   * Records a person's decision. When it settles the request, the run is resumed here (until
   * it ends or waits again); the gate re-checks the whole call before anything runs.
   */
  async decideApproval(
    actor: UserRecord,
    approvalId: string,
    raw: unknown,
    mode: 'until-rest' | 'background' = 'until-rest',
  ): Promise<ApprovalView & { run: RunRecord }> {
    this.permit(actor, 'approval.decide');
    if (isPackApproval((await this.approvals.get(this.orgId, approvalId)).approval))
      throw new ApiError(
        'bad-input',
        `${approvalId} is a pack request: decide it with packs approve|deny`,
      );
    if (isPolicyApproval((await this.approvals.get(this.orgId, approvalId)).approval))
      throw new ApiError(
        'bad-input',
        `${approvalId} is a policy change: decide it with policy approve|deny`,
      );
    const input = parseInput(decisionSchema, raw, 'decision');
    const outcome = await this.approvals.decide(
      this.orgId,
      approvalId,
      actor,
      input.decision,
      input.reason ?? null,
    );
    await this.audit.append({
      type: decisionEventType(outcome.status),
      runId: outcome.approval.runId,
      stepIndex: outcome.approval.stepIndex,
      actor: { user: actor.id },
      tool: outcome.approval.tool,
      approver: actor.id,
      details: {
        approvalId,
        decision: input.decision,
        reason: input.reason ?? null,
        status: outcome.status,
      },
    });
    if (outcome.status !== 'pending') {
      const drive = this.engine.drive(this.orgId, outcome.approval.runId);
      if (mode === 'background')
        this.track(
          drive.catch((error) => this.engine.fail(this.orgId, outcome.approval.runId, error)),
        );
      else await drive;
    }
    const view = await this.approvals.get(this.orgId, approvalId);
    return { ...view, run: (await this.view(outcome.approval.runId)).run };
  }

  /** Verifies the audit log: chain, seqs, signed checkpoints and their roots, consistency. */
  async verifyAudit(actor: UserRecord): Promise<LogVerification> {
    return this.auditing.verify(actor);
  }

  /** Audit entries, all or of one run. */
  async auditEntries(
    actor: UserRecord,
    filter: { runId?: string; fromSeq?: number; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    this.permit(actor, 'audit.read');
    const limit = Math.min(filter.limit ?? 1000, 10_000);
    const fromSeq = filter.fromSeq ?? 1;
    const rows =
      filter.runId !== undefined
        ? (await this.store.audit.forRun(this.orgId, filter.runId))
            .filter((row) => row.seq >= fromSeq)
            .slice(0, limit)
        : await this.store.audit.range(this.orgId, fromSeq, undefined, limit);
    return rows.map((row) => row.entry as unknown as AuditEntry);
  }

  /** Audit entries of a run after a given seq, for event streams. */
  async runEventsSince(actor: UserRecord, runId: string, afterSeq: number): Promise<AuditEntry[]> {
    this.permit(actor, 'run.read');
    const rows = await this.store.audit.forRun(this.orgId, runId);
    return rows
      .filter((row) => row.seq > afterSeq)
      .map((row) => row.entry as unknown as AuditEntry);
  }

  /**
   * Listens to a run's activity in this process (new audit entries, streamed model text), so an
   * event stream can wake at once; the store stays the truth. Returns the way to stop listening.
   */
  async watchRun(
    actor: UserRecord,
    runId: string,
    listener: RunActivityListener,
  ): Promise<() => void> {
    this.permit(actor, 'run.read');
    return this.runtime.activity.subscribe(runId, listener);
  }

  /** The tools an agent offers to an external client acting as `actor` (MCP tools/list). */
  async governedTools(actor: UserRecord, agentId: string): Promise<GovernedTool[]> {
    this.permit(actor, 'run.start');
    const agent = await this.agentOrError(agentId);
    return governedTools(agent, packsOfAgent(this.catalog, agent));
  }

  /**
   * One tool call an external client asked for (MCP tools/call), as a run of its own: the direct
   * planner proposes exactly that call, so it gets a capability token for the caller and the
   * agent, passes the whole gate, may wait for approval, and is audited like every other call.
   * Drives it until it rests and returns the run.
   */
  async callTool(
    actor: UserRecord,
    agentId: string,
    name: string,
    args: Record<string, unknown>,
    origin: string,
  ): Promise<RunView> {
    this.permit(actor, 'run.start');
    const agent = await this.agentOrError(agentId);
    const tool = toolIdFor(packsOfAgent(this.catalog, agent), name);
    const run = await this.engine.create({
      orgId: this.orgId,
      agent,
      user: actor,
      prompt: `${origin} call of ${tool}`.slice(0, 400),
      input: { origin },
      planner: directState(origin.slice(0, 100), tool.slice(0, 300), args),
    });
    await this.driveOrFail(run.id);
    return this.view(run.id);
  }

  private async agentOrError(agentId: string): Promise<AgentRecord> {
    const agent = await this.store.agents.get(this.orgId, agentId);
    if (agent === undefined) throw new ApiError('unknown-agent', `no agent "${agentId}"`);
    return agent;
  }

  /** The agents of the organisation. */
  async listAgents(actor: UserRecord): Promise<AgentRecord[]> {
    this.permit(actor, 'agent.read');
    return this.store.agents.list(this.orgId);
  }

  /** Checks every control: store, keys, policy, packs, sandbox. No actor: the local CLI. */
  async doctor(actor?: UserRecord): Promise<{
    ok: boolean;
    checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }>;
  }> {
    if (actor !== undefined) this.permit(actor, 'system.doctor');
    const checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }> = [];
    try {
      await this.store.ping();
      checks.push({ name: 'store', ok: true, detail: `${this.store.kind} answers` });
    } catch (error) {
      checks.push({
        name: 'store',
        ok: false,
        detail: describeError(error),
        fix: 'check the database settings',
      });
    }
    checks.push(
      this.policyState.engine !== undefined
        ? {
            name: 'policy',
            ok: true,
            detail: `policy set v${this.policyState.engine.version} loaded`,
          }
        : {
            name: 'policy',
            ok: false,
            detail: this.policyState.problem ?? 'no policy engine',
            fix: 'fix the policies and re-apply them',
          },
    );
    const problems = this.catalog.problems;
    checks.push({
      name: 'packs',
      ok: problems.length === 0,
      detail:
        problems.length === 0
          ? `${this.catalog.packs().length} pack(s) loaded`
          : problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
    });
    let probe: SandboxProbe;
    try {
      probe = await this.sandbox.probe();
    } catch (error) {
      probe = {
        ok: false,
        driver: this.sandbox.name,
        checks: [{ name: 'probe', ok: false, detail: describeError(error) }],
      };
    }
    for (const check of probe.checks) checks.push({ ...check, name: `sandbox: ${check.name}` });
    return { ok: checks.every((check) => check.ok), checks };
  }

  /** Waits for background work, then closes the store. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.access.dispose();
    await this.runtime.dispose().catch(() => undefined);
    await this.auditing.close();
    await this.store.close();
  }

  /** Waits for the runs driven in the background to reach a rest point. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Whether a run has reached a point where it needs nothing from this process. */
  static isAtRest(run: RunRecord): boolean {
    return isAtRest(run.status);
  }

  private plannerFor(
    agent: AgentRecord,
    kind: 'playbook' | 'scripted' | undefined,
    script: unknown,
  ): PlannerState {
    const chosen = kind ?? agent.planner.kind;
    if (chosen === 'scripted') {
      if (!Array.isArray(script))
        throw new ApiError('bad-input', 'the scripted planner needs a script');
      return scriptedState(script as Parameters<typeof scriptedState>[0]);
    }
    if (chosen !== 'playbook' || agent.planner.playbook === undefined) {
      throw new ApiError(
        'bad-input',
        `agent ${agent.id} has no playbook; start it with the scripted planner and a script`,
      );
    }
    const pack = agent.packs
      .map((name) => this.catalog.get(name))
      .find((candidate) =>
        candidate?.manifest.playbooks.some((playbook) => playbook.name === agent.planner.playbook),
      );
    if (pack === undefined)
      throw new ApiError(
        'bad-input',
        `no pack of agent ${agent.id} has the playbook ${agent.planner.playbook}`,
      );
    return playbookState(pack.manifest.name, agent.planner.playbook);
  }

  private async view(runId: string): Promise<RunView> {
    const run = await this.store.runs.get(this.orgId, runId);
    if (run === undefined) throw new ApiError('not-found', `no run ${runId}`);
    return { run, steps: await this.store.steps.listForRun(this.orgId, runId) };
  }

  private permit(actor: UserRecord, action: ControlPlaneAction): void {
    permitControlPlane(actor, action);
  }

  /** Drives a run that may go on after a decision: here until it rests, or in the background. */
  private async resume(
    runId: string,
    mode: 'until-rest' | 'background',
  ): Promise<RunRecord | undefined> {
    const drive = this.engine.drive(this.orgId, runId);
    if (mode === 'background') {
      this.track(drive.catch((error) => this.engine.fail(this.orgId, runId, error)));
      return undefined;
    }
    await drive;
    return (await this.view(runId)).run;
  }

  /** Drives a run in the background; an engine error fails the run with the reason, never silently. */
  private async driveOrFail(runId: string): Promise<unknown> {
    try {
      return await this.engine.drive(this.orgId, runId);
    } catch (error) {
      return this.engine.fail(this.orgId, runId, error);
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
