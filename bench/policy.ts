/**
 * Cedar decisions as the gate makes them: a tool call's full request (entities, context with
 * provenance, data classes, egress and time) against 10 and 100 policies, validated against a
 * schema generated for 20 tools, the set parsed once per version. Baseline from the same run:
 * Cedar's stateless call that parses the same 100 policies on every decision. Prints one line.
 *
 *   npx tsx bench/policy.ts [decisions]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import {
  generateSchema,
  PolicyEngine,
  STARTER_POLICIES,
  toolCallRequest,
  type SchemaTool,
  type ToolCallInput,
} from '../src/policy/index.js';
import { summarise } from './stats.js';

const DECISIONS = Number(process.argv[2] ?? 20_000);
const WARMUP = 1_000;
const RISKS = ['low', 'medium', 'high', 'critical'] as const;

const tools: SchemaTool[] = Array.from({ length: 20 }, (_, index) => ({
  id: `@bench/pack/tool-${index}`,
  effect: index % 3 === 0 ? 'read' : 'write',
  risk: RISKS[index % 4] ?? 'low',
  resourceType: index % 2 === 0 ? 'Service' : 'Account',
  args: {
    type: 'object',
    properties: {
      target: { type: 'string', maxLength: 100 },
      amount: { type: 'integer' },
      note: { type: 'string', maxLength: 500 },
    },
    required: ['target'],
  },
}));
const schema = generateSchema(tools);

/** The starter set plus generated rules of the shapes operators write, up to `count`. */
function policySet(count: number): Record<string, string> {
  const starter = Object.values(STARTER_POLICIES).join('\n');
  const texts: string[] = [];
  const starterCount = (starter.match(/@id\(/g) ?? []).length;
  for (let index = 0; index < count - starterCount; index += 1) {
    const tool = `@bench/pack/tool-${index % 20}`;
    switch (index % 4) {
      case 0:
        texts.push(`@id("cap-${index}") forbid (principal, action == Castellan::Action::"${tool}", resource)
when { context.args has amount && context.args.amount > ${1000 + index} && context.destination == "external" };`);
        break;
      case 1:
        texts.push(`@id("owner-${index}") permit (principal is Castellan::Agent, action == Castellan::Action::"${tool}", resource)
when { principal.environment == "dev" && context.user in Castellan::Role::"operator" };`);
        break;
      case 2:
        texts.push(`@id("hours-${index}") @approval("approver") permit (principal, action == Castellan::Action::"${tool}", resource)
when { context.time.hourUtc < 7 || context.time.hourUtc > 19 };`);
        break;
      default:
        texts.push(`@id("pii-${index}") forbid (principal, action == Castellan::Action::"${tool}", resource)
when { context.dataClasses.contains("card") && context.egress.runRecords > ${50 + index} };`);
    }
  }
  return { 'starter.cedar': starter, 'generated.cedar': texts.join('\n\n') };
}

function input(index: number): ToolCallInput {
  const tool = tools[index % tools.length] as SchemaTool;
  return {
    agent: { id: 'bench-agent', owner: 'alice', environment: 'dev' },
    user: { id: 'bob', roles: ['operator'] },
    tool: { id: tool.id, effect: tool.effect, risk: tool.risk },
    pack: { name: '@bench/pack', version: '1.0.0', digest: 'sha256:00' },
    resource: { type: tool.resourceType, id: `r-${index % 7}` },
    environment: 'dev',
    tainted: index % 5 === 0,
    args: { target: `r-${index % 7}`, amount: index % 3000, note: 'routine' },
    destination: index % 2 === 0 ? 'internal' : 'external',
    provenance: { target: 'prompt', amount: 'planner', note: 'planner' },
    dataClasses: index % 9 === 0 ? ['card'] : [],
    ownDataClasses: [],
    untrustedDataClasses: [],
    egress: {
      // Distinct on every decision: the engine remembers decisions by the exact request, and
      // this bench measures deciding, not remembering.
      runBytes: 100 + index,
      runRecords: index % 80,
      destinationBytes: 10,
      destinationRecords: 1,
      callBytes: 50,
      callRecords: 0,
    },
    time: new Date(Date.UTC(2026, 10, 26, index % 24)).toISOString(),
  };
}

function measure(count: number): {
  policies: number;
  p50: number;
  p99: number;
  mean: number;
  decisionsPerSecond: number;
  cpuMsPerDecision: number;
} {
  const engine = PolicyEngine.load(policySet(count), count, { schema });
  const samples: number[] = [];
  const effects = new Set<string>();
  let cpuStart = process.cpuUsage();
  for (let index = 0; index < WARMUP + DECISIONS; index += 1) {
    const request = toolCallRequest(input(index));
    const started = performance.now();
    const decision = engine.decide(request);
    const elapsed = performance.now() - started;
    effects.add(decision.effect);
    if (decision.effect === 'deny' && decision.reasons[0]?.startsWith('engine-error'))
      throw new Error(`bench request failed: ${decision.reasons[0]}`);
    if (index === WARMUP - 1) cpuStart = process.cpuUsage();
    if (index >= WARMUP) samples.push(elapsed);
  }
  const cpu = process.cpuUsage(cpuStart);
  const total = samples.reduce((sum, value) => sum + value, 0) / 1000;
  return {
    policies: engine.policies.length,
    ...summarise(samples),
    decisionsPerSecond: Math.round(samples.length / total),
    // CPU time this process spent per decision: the engine's own cost, whatever else runs.
    cpuMsPerDecision: Math.round(((cpu.user + cpu.system) / 1000 / samples.length) * 1000) / 1000,
  };
}

/** Cedar's stateless authorizer: parses the whole set on each call (what caching avoids). */
function statelessBaseline(count: number): { p50: number; p99: number } {
  const require = createRequire(import.meta.url);
  const cedar =
    require('@cedar-policy/cedar-wasm/nodejs') as typeof import('@cedar-policy/cedar-wasm/nodejs');
  const engine = PolicyEngine.load(policySet(count), 1);
  const staticPolicies = Object.fromEntries(
    engine.policies.map((policy) => [policy.id, policy.text]),
  );
  const samples: number[] = [];
  for (let index = 0; index < 300; index += 1) {
    const request = toolCallRequest(input(index));
    const started = performance.now();
    cedar.isAuthorized({
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context as never,
      entities: request.entities as never,
      policies: { staticPolicies },
    });
    if (index >= 20) samples.push(performance.now() - started);
  }
  const { p50, p99 } = summarise(samples);
  return { p50, p99 };
}

const ten = measure(10);
const hundred = measure(100);
console.log(
  JSON.stringify({
    bench: 'policy',
    decisions: DECISIONS,
    schema: { tools: tools.length, validated: true },
    ten,
    hundred,
    baseline: { statelessParseEachCall100: statelessBaseline(100) },
    // Other work on the machine stretches the tail: read p99 with the load it ran under.
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    targets: { p50Ms: 0.5, p99Ms: 2 },
    meetsTargets: hundred.p50 < 0.5 && hundred.p99 < 2,
  }),
);
