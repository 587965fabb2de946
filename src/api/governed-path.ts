import { join } from 'node:path';
import type { Approvals } from '../approvals/index.js';
import type { CastellanConfig, ModelProfile } from '../config/index.js';
import {
  CounterConnector,
  createConnectorRegistry,
  ItopsFleetConnector,
  McpConnector,
  ShellConnector,
} from '../connectors/index.js';
import type { Clock } from '../core/index.js';
import { Gate } from '../gate/index.js';
import type { PackCatalog, PackGuard } from '../packs/index.js';
import {
  DirectPlanner,
  LlmPlanner,
  PlaybookPlanner,
  RollbackPlanner,
  RunEngine,
  ScriptedPlanner,
  type ResourceObserver,
  type RunActivityBus,
} from '../runtime/index.js';
import { createSandboxDriver, createSessionDriver, type SandboxDriver } from '../sandbox/index.js';
import type { Store } from '../store/index.js';
import type { InstanceKeys } from '../tokens/index.js';
import type { AccessWiring } from './access-service.js';
import { ApprovalWork } from './approval-work.js';
import { modelResolver } from './model-profiles.js';
import { guardSettingsFor } from './policies/guard-settings.js';
import type { ObservedAuditLog } from './observed-audit-log.js';
import type { PolicyRuntime } from './policies/policy-runtime.js';
import { resourceObserver } from './run-recovery.js';
import type { OpenOptions } from './service.js';

/** What the governed path is built from: the home's settings and the parts open() made. */
export interface GovernedPathParts {
  home: string;
  config: CastellanConfig;
  options: OpenOptions;
  store: Store;
  audit: ObservedAuditLog;
  approvals: Approvals;
  catalog: PackCatalog;
  packGuard: PackGuard;
  policyRuntime: PolicyRuntime;
  access: AccessWiring;
  keys: InstanceKeys;
  activity: RunActivityBus;
  profiles: Readonly<Record<string, ModelProfile>>;
  clock: Clock;
}

/**
 * The governed path of DESIGN.md, wired: the sandbox and the connectors behind it, the gate with
 * every stage's dependencies, and the run engine with its planners. CastellanService.open calls
 * it once; the per-concern services are built around what it returns.
 */
export function wireGovernedPath(parts: GovernedPathParts): {
  sandbox: SandboxDriver;
  mcp: McpConnector;
  gate: Gate;
  engine: RunEngine;
  observeResource: ResourceObserver;
} {
  const { home, config, options, store, audit, approvals, catalog, packGuard } = parts;
  const { policyRuntime, access, keys, activity, profiles, clock } = parts;
  const policyState = policyRuntime.state;
  const guard = guardSettingsFor(config);
  const sandbox = options.sandbox ?? createSandboxDriver(config.sandbox);
  const mcp = new McpConnector({ sessions: createSessionDriver(sandbox) });
  const connectors = createConnectorRegistry([
    new ShellConnector(sandbox, {
      workBase: join(home, 'work'),
      timeoutMs: config.sandbox.timeoutMs,
      maxOutputBytes: config.sandbox.maxOutputBytes,
    }),
    new ItopsFleetConnector(),
    new CounterConnector(),
    mcp,
  ]);
  const gate = new Gate({
    store,
    audit,
    approvals,
    catalog,
    packs: packGuard,
    policy: () => policyState.engine,
    shadowPolicy: () => policyRuntime.shadow(),
    guard,
    keys,
    tokens: config.tokens,
    access: access.gate,
    connectors,
    connectorSettings: { ...config.connectors, ...(options.connectorSettings ?? {}) },
    environment: config.environment,
    allowUnsignedIn: config.packs.allowUnsignedIn,
    approvalExpirySeconds: config.approvals.expiresAfterSeconds,
    notifyChannels: ApprovalWork.channels(config),
    rollbackApproverRole: config.approvals.rollbackApproverRole,
    clock,
  });
  const observeResource = resourceObserver(store, gate);
  const engine = new RunEngine({
    store,
    gate,
    audit,
    catalog,
    keys,
    tokens: config.tokens,
    planners: {
      playbook: new PlaybookPlanner(),
      scripted: new ScriptedPlanner(),
      llm: new LlmPlanner({ audit, resolveModel: modelResolver(home, profiles), activity }),
      direct: new DirectPlanner(),
      rollback: new RollbackPlanner(observeResource),
    },
    maxSteps: config.runs.maxSteps,
    clock,
    exchange: access.exchange,
  });
  return { sandbox, mcp, gate, engine, observeResource };
}
