import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/index.js';
import type { RevocationStatus, Store } from '../store/index.js';
import { temporaryStore } from './__fixtures__/temporary-store.js';
import { TokenError } from './errors.js';
import { revokeTokenByJti, revokeTokensOf, setKillSwitch } from './revoke.js';
import { RevocationWatcher } from './revocation-watcher.js';

const ORG = 'acme';

let harness: Awaited<ReturnType<typeof temporaryStore>>;
let store: Store;
let other: Store;
let watcher: RevocationWatcher;

beforeEach(async () => {
  harness = await temporaryStore();
  store = harness.store;
  other = await harness.openAnother();
  watcher = new RevocationWatcher(store.revocationState, { intervalMs: 50 });
});

afterEach(async () => {
  watcher.dispose();
  await harness.close();
});

function claims(jti = 'jti_1') {
  return {
    jti,
    sub: 'olga',
    act: { sub: 'ops-bot' },
    runId: 'run_1',
    // Issued a second ago, so an epoch written now covers it.
    iat: new Date(Math.floor(Date.now() / 1000) * 1000 - 1000),
  };
}

async function abortedWithin(signal: AbortSignal, ms: number): Promise<TokenError> {
  const started = Date.now();
  while (!signal.aborted && Date.now() - started < ms) await sleep(5);
  expect(signal.aborted).toBe(true);
  return signal.reason as TokenError;
}

describe('RevocationWatcher', () => {
  it('aborts a call in flight when another connection revokes its token', async () => {
    const call = watcher.watch(ORG, claims());
    await sleep(120);
    expect(call.signal.aborted).toBe(false);
    await revokeTokenByJti(
      other,
      { orgId: ORG, by: 'sven', reason: 'leak', jti: 'jti_1' },
      systemClock,
    );
    const reason = await abortedWithin(call.signal, 500);
    expect(reason).toMatchObject({ code: 'revoked' });
    expect(watcher.watching).toBe(0);
  });

  it('aborts on an epoch of the agent and on the kill switch, and spares other calls', async () => {
    const mine = watcher.watch(ORG, claims('jti_1'));
    const bystander = watcher.watch(ORG, { ...claims('jti_2'), act: { sub: 'other-bot' } });
    await revokeTokensOf(
      other,
      { orgId: ORG, by: 'sven', reason: 'bad agent', subject: 'agent', id: 'ops-bot' },
      systemClock,
    );
    expect(await abortedWithin(mine.signal, 500)).toMatchObject({ code: 'revoked-epoch' });
    await sleep(150);
    expect(bystander.signal.aborted).toBe(false);
    await setKillSwitch(
      other,
      { orgId: ORG, by: 'sven', reason: 'incident', engaged: true },
      systemClock,
    );
    expect(await abortedWithin(bystander.signal, 500)).toMatchObject({ code: 'kill-switch' });
  });

  it('stops watching a released call and polls nothing while idle', async () => {
    let reads = 0;
    const counting = new RevocationWatcher(
      {
        status: async (...args: Parameters<Store['revocationState']['status']>) => {
          reads += 1;
          return store.revocationState.status(...args);
        },
      },
      { intervalMs: 20 },
    );
    const call = counting.watch(ORG, claims());
    await sleep(100);
    call.release();
    const afterRelease = reads;
    expect(afterRelease).toBeGreaterThan(0);
    await sleep(100);
    expect(reads).toBeLessThanOrEqual(afterRelease + 1);
    expect(call.signal.aborted).toBe(false);
    counting.dispose();
  });

  it('aborts a call whose revocation state stays unreadable, but rides out one blip', async () => {
    let failures = 1;
    const status = async (): Promise<RevocationStatus> => {
      if (failures-- > 0) throw new Error('database is locked');
      return { jtiRevoked: false, latestEpoch: null, killSwitchEngaged: false };
    };
    const flaky = new RevocationWatcher({ status }, { intervalMs: 20, unreadableForMs: 200 });
    const blip = flaky.watch(ORG, claims());
    await sleep(150);
    expect(blip.signal.aborted).toBe(false);
    blip.release();
    failures = Number.POSITIVE_INFINITY;
    const down = flaky.watch(ORG, claims());
    expect(await abortedWithin(down.signal, 600)).toMatchObject({ code: 'revocation-unavailable' });
    flaky.dispose();
  });

  it('refuses to watch after disposal, aborting at once', () => {
    watcher.dispose();
    const call = watcher.watch(ORG, claims());
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toMatchObject({ code: 'revocation-unavailable' });
  });
});
