import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome, SHIPPED_PACKS_DIR } from '../../src/api/index.js';
import { AuditLog, type PayloadInput } from '../../src/audit/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { digestOf, ManualClock } from '../../src/core/index.js';
import type { UserRecord } from '../../src/store/index.js';
import { temporaryFolder } from '../support/home.js';

const environment = readEnvironment({});
const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 0, 1);
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

describe('audit retention and legal holds', () => {
  const folder = temporaryFolder('castellan-retention-');
  let service: CastellanService;
  let auditor: UserRecord;
  let secadmin: UserRecord;
  let operator: UserRecord;
  let admin: UserRecord;
  let log: AuditLog;
  const clock = new ManualClock(T0);
  const orgId = 'default';

  /** A tool call of `run` for `user`, with a prompt and a state of its own. */
  async function call(run: string, user: string, tool = '@castellan/itops/restart-service') {
    const payloads: Record<string, PayloadInput> = {
      prompt: { class: 'prompt', value: `restart it (${run})` },
      preState: { class: 'state', value: { run, healthy: false } },
    };
    return log.append({
      type: 'tool-call-succeeded',
      runId: run,
      tool,
      actor: { user, agent: 'itops-agent' },
      payloads,
    });
  }

  const content = async (value: unknown) =>
    (await service.store.auditPayloads.getBlob(orgId, digestOf(value)))?.content ?? null;
  const entryTypes = async () =>
    (await service.store.auditTree.rawRange(orgId, 1, 10_000)).map(
      (row) => (JSON.parse(row.text) as { type: string }).type,
    );

  beforeAll(async () => {
    await initHome(folder.path, {
      environment,
      settings: {
        environment: 'dev',
        packs: { paths: [SHIPPED_PACKS_DIR], allowUnsignedIn: ['dev'] },
      },
    });
    service = await CastellanService.open(folder.path, { environment, clock });
    auditor = await service.localUser('auditor');
    secadmin = await service.localUser('secadmin');
    operator = await service.localUser('operator');
    admin = await service.localUser('admin');
    log = new AuditLog(service.store, orgId, clock);
    await call('run_a', 'alice');
    await call('run_b', 'bob');
    await call('run_c', 'carol', '@castellan/itops/check-health');
    await call('run_d', 'dave');
  }, 120_000);
  afterAll(async () => {
    await service.close();
    folder.remove();
  });

  it('refuses hold changes to anyone but auditors and security admins, changing nothing', async () => {
    const before = await entryTypes();
    for (const user of [operator, admin]) {
      await expect(
        service.auditing.addHold(user, { run: 'run_a', reason: 'x' }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
    }
    await expect(service.auditing.prune(auditor, {})).rejects.toMatchObject({ code: 'forbidden' });
    expect(await service.store.auditPayloads.holds(orgId)).toEqual([]);
    expect(await entryTypes()).toEqual(before);
  });

  it('refuses a malformed hold with a clear error and records nothing', async () => {
    const before = await entryTypes();
    const attempts = [
      { run: 'run_a', user: 'bob', reason: 'both' },
      { reason: 'neither' },
      { run: 'run_a', reason: '' },
      { query: 'colour=red', reason: 'unknown field' },
      { query: 'after=yesterday', reason: 'bad time' },
      { user: 'bob jones', reason: 'space' },
    ];
    for (const attempt of attempts) {
      await expect(
        service.auditing.addHold(auditor, attempt),
        JSON.stringify(attempt),
      ).rejects.toMatchObject({
        kind: 'bad-input',
      });
    }
    expect(await service.store.auditPayloads.holds(orgId)).toEqual([]);
    expect(await entryTypes()).toEqual(before);
  });

  it('prunes only payload content past retention, keeps held payloads, and the log still verifies', async () => {
    const checkpoint = await service.auditing.checkpoint(secadmin);
    const textsBefore = (await service.store.auditTree.rawRange(orgId, 1, 10_000)).map(
      (row) => row.text,
    );
    const runHold = await service.auditing.addHold(auditor, { run: 'run_a', reason: 'matter 17' });
    await service.auditing.addHold(secadmin, { user: 'bob', reason: 'matter 18' });
    await service.auditing.addHold(auditor, {
      query: `tool=@castellan/itops/check-health,before=${at(1)}`,
      reason: 'matter 19',
    });
    expect((await entryTypes()).slice(-3)).toEqual([
      'audit-hold-added',
      'audit-hold-added',
      'audit-hold-added',
    ]);

    // Day 100: prompts (90 days) are past retention, states (365 days) are not.
    const dry = await service.auditing.prune(secadmin, { dryRun: true, now: at(100) });
    expect(dry).toMatchObject({ dryRun: true, pruned: { prompt: 1, state: 0 }, held: 3 });
    expect(await content('restart it (run_d)')).not.toBeNull();
    const early = await service.auditing.prune(secadmin, { now: at(100) });
    expect(early).toMatchObject({ dryRun: false, pruned: { prompt: 1, state: 0 }, held: 3 });
    expect(await content('restart it (run_d)')).toBeNull();
    expect(await content({ run: 'run_d', healthy: false })).not.toBeNull();
    for (const run of ['run_a', 'run_b', 'run_c'])
      expect(await content(`restart it (${run})`)).not.toBeNull();

    // Day 400: states go too, except those of held entries; releasing a hold lets them go.
    await service.auditing.prune(secadmin, { now: at(400) });
    expect(await content({ run: 'run_d', healthy: false })).toBeNull();
    expect(await content({ run: 'run_a', healthy: false })).not.toBeNull();
    await service.auditing.releaseHold(auditor, { id: runHold.id, reason: 'matter closed' });
    const late = await service.auditing.prune(secadmin, { now: at(401) });
    expect(late.pruned).toMatchObject({ prompt: 1, state: 1 });
    expect(await content({ run: 'run_a', healthy: false })).toBeNull();
    expect(await content({ run: 'run_b', healthy: false })).not.toBeNull();
    expect(await content({ run: 'run_c', healthy: false })).not.toBeNull();

    // Pruning removed content only: every entry is byte for byte what it was, and verifies.
    const textsAfter = (await service.store.auditTree.rawRange(orgId, 1, 10_000)).map(
      (row) => row.text,
    );
    expect(textsAfter.slice(0, textsBefore.length)).toEqual(textsBefore);
    const blob = await service.store.auditPayloads.getBlob(
      orgId,
      digestOf({ run: 'run_d', healthy: false }),
    );
    expect(blob).toMatchObject({ content: null, class: 'state', prunedAt: at(400) });
    expect(await service.auditing.verify(auditor)).toMatchObject({ ok: true, checkpoints: 1 });
    await service.auditing.checkpoint(secadmin);
    expect(await service.auditing.verify(auditor)).toMatchObject({ ok: true, checkpoints: 2 });
    expect(checkpoint?.checkpoint.size).toBeGreaterThan(0);

    // Each prune and each hold change is in the log, the prune naming exactly what it emptied.
    const rows = (await service.store.auditTree.rawRange(orgId, 1, 10_000)).map(
      (row) => JSON.parse(row.text) as { type: string; details?: Record<string, unknown> },
    );
    const prunes = rows.filter((entry) => entry.type === 'audit-pruned');
    expect(prunes).toHaveLength(3);
    expect(prunes[0]?.details).toMatchObject({ blobs: 1, blobsDigest: digestOf(early.digests) });
    expect(rows.filter((entry) => entry.type === 'audit-hold-released')[0]?.details).toMatchObject({
      holdId: runHold.id,
      reason: 'matter closed',
    });
    expect((await service.auditing.listHolds(auditor)).map((hold) => hold.kind).sort()).toEqual([
      'query',
      'user',
    ]);
  });
});
