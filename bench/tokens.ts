/**
 * Capability tokens: mints per second, and verifications per second with p50/p99 of one
 * verification including the revocation check (jti, epochs of agent, user and run, kill switch:
 * one SQLite read). Two signature engines, measured in the same run: node:crypto's synchronous
 * Ed25519 verify (the default) and jose's jwtVerify (WebCrypto). Baselines in the same run: the
 * revocation read alone, and one token exchange (grants read, mint, issued-token insert).
 * Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configSchema } from '../src/config/index.js';
import { systemClock } from '../src/core/index.js';
import { openSqliteStore } from '../src/store/index.js';
import {
  generateInstanceKeys,
  mintCapabilityToken,
  revocationCheckFor,
  TokenExchange,
  verifyCapabilityToken,
} from '../src/tokens/index.js';
import { summarise } from './stats.js';

const COUNT = Number(process.argv[2] ?? 5000);
const WARMUP = 500;
const ORG = 'bench';

const folder = mkdtempSync(join(tmpdir(), 'castellan-bench-tokens-'));
const store = await openSqliteStore(join(folder, 'castellan.db'));
const keys = await generateInstanceKeys();
const tokens = configSchema.parse({}).tokens;
const claims = {
  sub: 'olga',
  act: { sub: 'ops-bot' },
  scopes: ['itops:fleet.read', 'itops:service.read:*', 'itops:service.restart:web-1'],
  runId: 'run_bench',
  orgId: ORG,
};
// A realistic revocation table: other tokens revoked, epochs for other subjects.
for (let index = 0; index < 1000; index += 1) {
  await store.revocations.revoke({
    orgId: ORG,
    jti: `jti_other_${index}`,
    reason: 'bench',
    revokedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
  });
}
for (let index = 0; index < 100; index += 1) {
  await store.revocationState.addEpoch({
    orgId: ORG,
    id: `epo_${index}`,
    subjectKind: 'agent',
    subjectId: `other-agent-${index}`,
    notBefore: new Date().toISOString(),
    reason: 'bench',
    createdBy: 'bench',
    createdAt: new Date().toISOString(),
  });
}

async function timed(count: number, work: (index: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let index = 0; index < WARMUP + count; index += 1) {
    const started = performance.now();
    await work(index);
    if (index >= WARMUP) samples.push(performance.now() - started);
  }
  const seconds = samples.reduce((sum, value) => sum + value, 0) / 1000;
  return { ...summarise(samples), perSecond: Math.round(count / seconds) };
}

const minted: string[] = [];
const mint = await timed(COUNT, async () => {
  minted.push((await mintCapabilityToken(keys, tokens, claims, systemClock)).token);
});

const isRevoked = revocationCheckFor(store.revocationState, ORG);
const noRevocation = async () => false as const;
type Engine = 'node' | 'jose';
const verifyOnce = (engine: Engine, index: number, revocation: boolean) =>
  verifyCapabilityToken(minted[index % minted.length] ?? '', keys, tokens, {
    clock: systemClock,
    isRevoked: revocation ? isRevoked : noRevocation,
    engine,
  });

/** Both engines, interleaved call by call, so that the machine's noise falls on both alike. */
async function interleaved(revocation: boolean) {
  const samples: Record<Engine, number[]> = { node: [], jose: [] };
  for (let index = 0; index < WARMUP + COUNT; index += 1) {
    for (const engine of index % 2 === 0
      ? (['node', 'jose'] as const)
      : (['jose', 'node'] as const)) {
      const started = performance.now();
      await verifyOnce(engine, index, revocation);
      if (index >= WARMUP) samples[engine].push(performance.now() - started);
    }
  }
  const result = (list: number[]) => ({
    perSecond: Math.round(list.length / (list.reduce((sum, value) => sum + value, 0) / 1000)),
    ms: summarise(list),
  });
  return { node: result(samples.node), jose: result(samples.jose) };
}
const withRevocation = await interleaved(true);
const signatureOnly = await interleaved(false);
const revocationRead = await timed(COUNT, () =>
  store.revocationState.status(ORG, {
    jti: 'jti_x',
    agentId: 'ops-bot',
    userId: 'olga',
    runId: 'run_bench',
  }),
);
const exchange = new TokenExchange({
  store,
  keys,
  tokens,
  delegation: { operator: ['*'] },
  clock: systemClock,
});
const exchanges = await timed(Math.min(COUNT, 2000), (index) =>
  exchange.exchange({
    orgId: ORG,
    subject: { id: 'olga', roles: ['operator'], disabled: false },
    actor: { id: 'ops-bot', scopes: claims.scopes, environment: 'dev' },
    run: { id: `run_${index}`, createdAt: new Date(0).toISOString(), previousJti: null },
    needed: ['itops:fleet.read', 'itops:service.read:*', 'itops:service.restart:*'],
  }),
);
await store.close();
rmSync(folder, { recursive: true, force: true });

const strip = ({ p50, p99, mean }: { p50: number; p99: number; mean: number }) => ({
  p50,
  p99,
  mean,
});
console.log(
  JSON.stringify({
    bench: 'tokens',
    count: COUNT,
    mintsPerSecond: mint.perSecond,
    mintMs: strip(mint),
    verifyWithRevocation: withRevocation,
    baseline: {
      verifyWithoutRevocation: signatureOnly,
      revocationReadMs: strip(revocationRead),
      tokenExchangeMs: { ...strip(exchanges), perSecond: exchanges.perSecond },
    },
    store: 'sqlite (WAL), 1000 revoked jtis, 100 epochs',
    defaultEngine: 'node',
  }),
);
