/**
 * A run engine with the LLM planner over the gate harness (real SQLite store, keys, Cedar, the
 * testkit pack and a recording connector) and the fake model server in-process, replaying a
 * fixture of this folder. Tests drive runs through the whole governed path.
 */
import { join } from 'node:path';
import { AuditLog } from '../../../../audit/index.js';
import { modelProfileSchema, type ModelProfile } from '../../../../config/index.js';
import {
  createGateHarness,
  TEST_ORG,
  type GateHarness,
} from '../../../../gate/__fixtures__/gate-harness.js';
import { loadCatalog } from '../../../../packs/index.js';
import type { RunRecord, StepRecord } from '../../../../store/index.js';
import { readFixtures } from '../../../../../targets/fake-model/fixtures.js';
import {
  startFakeModelServer,
  type FakeModelServer,
} from '../../../../../targets/fake-model/fake-model-server.js';
import { RunEngine } from '../../../run-engine.js';
import { RunActivityBus } from '../../../run-activity.js';
import { createLanguageModel } from '../providers.js';
import { LlmPlanner } from '../llm-planner.js';
import { llmState } from '../llm-state.js';

/** The harness: the gate's, plus an engine, the fake model and the activity bus. */
export interface LlmHarness {
  gateHarness: GateHarness;
  engine: RunEngine;
  model: FakeModelServer;
  activity: RunActivityBus;
  sleeps: number[];
  /** Builds a second engine over the same store, as another process would. */
  anotherEngine(): Promise<RunEngine>;
  /** Starts a run of the test agent and drives it until it rests. */
  run(
    prompt: string,
    options?: { mode?: 'react' | 'plan-then-execute' },
  ): Promise<{ run: RunRecord; steps: StepRecord[] }>;
  view(runId: string): Promise<{ run: RunRecord; steps: StepRecord[] }>;
  entries(runId: string): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

/** Options: the fixture files (names in this folder) and profile overrides. */
export async function createLlmHarness(options: {
  fixtures: string[];
  profile?: Partial<Record<string, unknown>>;
  requireKey?: string;
}): Promise<LlmHarness> {
  const gateHarness = await createGateHarness();
  const model = await startFakeModelServer({
    fixtures: readFixtures(options.fixtures.map((name) => join(import.meta.dirname, name))),
    ...(options.requireKey === undefined ? {} : { requireKey: options.requireKey }),
  });
  const profile: ModelProfile = modelProfileSchema.parse({
    provider: 'openai-compatible',
    model: 'fake-gpt',
    endpoint: model.openAiBaseUrl,
    ...options.profile,
    limits: { maxRetryWaitMs: 2000, timeoutMs: 2000, ...(options.profile?.limits as object) },
  });
  const activity = new RunActivityBus();
  const sleeps: number[] = [];
  const audit = new AuditLog(gateHarness.store, TEST_ORG, gateHarness.clock);
  const catalog = await loadCatalog([
    join(import.meta.dirname, '../../../../gate/__fixtures__/packs'),
  ]);
  const makeEngine = () =>
    new RunEngine({
      store: gateHarness.store,
      gate: gateHarness.gate,
      audit,
      catalog,
      keys: gateHarness.keys,
      tokens: {
        issuer: 'castellan',
        audience: 'castellan-gate',
        ttlSeconds: 900,
        clockToleranceSeconds: 5,
      },
      planners: {
        llm: new LlmPlanner({
          audit,
          activity,
          resolveModel: (name) => {
            if (name !== 'test') throw new Error(`no model profile "${name}"`);
            const key = options.requireKey;
            return {
              profileName: name,
              profile,
              model: createLanguageModel(profile, key),
              secrets: key === undefined ? [] : [key],
            };
          },
          sleep: async (ms) => {
            sleeps.push(ms);
          },
        }),
      },
      maxSteps: 50,
      clock: gateHarness.clock,
    });
  const engine = makeEngine();
  const view = async (runId: string) => {
    const run = await gateHarness.store.runs.get(TEST_ORG, runId);
    if (run === undefined) throw new Error(`no run ${runId}`);
    return { run, steps: await gateHarness.store.steps.listForRun(TEST_ORG, runId) };
  };
  return {
    gateHarness,
    engine,
    model,
    activity,
    sleeps,
    anotherEngine: async () => makeEngine(),
    async run(prompt, runOptions = {}) {
      const agent = { ...gateHarness.agent, planner: { kind: 'llm' as const, model: 'test' } };
      const created = await engine.create({
        orgId: TEST_ORG,
        agent,
        user: gateHarness.operator,
        prompt,
        input: {},
        planner: llmState('test', runOptions.mode ?? 'react'),
      });
      await engine.drive(TEST_ORG, created.id);
      return view(created.id);
    },
    view,
    async entries(runId) {
      return (await gateHarness.store.audit.forRun(TEST_ORG, runId)).map((row) => row.entry);
    },
    async close() {
      await model.close();
      await gateHarness.close();
    },
  };
}
