/**
 * Admission and quarantine through the application service, on a home made by `init` (prod,
 * shipped packs signed by the home's test publisher key): promotion to prod needs two approvers
 * who are not the publisher, quarantine stops a running run at its next call, removing a key
 * blocks its packs at once, and releasing a quarantine needs an approver.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CastellanService,
  initHome,
  SHIPPED_PACKS_DIR,
  startItopsFleet,
  waitForIncident,
  type RunningFleet,
} from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { buildPackArchive, parsePrivateKey, signPackArchive } from '../../src/packs/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import type { UserRecord } from '../../src/store/index.js';

const environment = readEnvironment({});

describe('pack admission and quarantine', () => {
  let folder: string;
  let home: string;
  let service: CastellanService;
  let fleet: RunningFleet;
  const supervisor = createSupervisor();
  const users: Record<string, UserRecord> = {};

  /** A new version of the itops pack, signed with the home's publisher key. */
  async function signedVersion(version: string) {
    const dir = join(folder, `itops-${version}`);
    await cp(join(SHIPPED_PACKS_DIR, 'itops'), dir, { recursive: true });
    const file = join(dir, 'castellan.pack.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { version: string };
    manifest.version = version;
    await writeFile(file, JSON.stringify(manifest, null, 2));
    const archive = (await buildPackArchive(dir)).bytes;
    const key = parsePrivateKey(
      await readFile(join(home, 'keys', 'publishers', 'castellan.key'), 'utf8'),
    );
    const { envelope } = signPackArchive(archive, key, {
      builder: 'test',
      sourceRevision: version,
    });
    return { archive, envelope: JSON.stringify(envelope) };
  }

  async function audited(type: string) {
    return (await service.auditEntries(users.auditor!, { limit: 10_000 })).filter(
      (entry) => entry.type === type,
    );
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-admission-'));
    home = join(folder, 'home');
    fleet = await startItopsFleet(supervisor, join(folder, 'fleet'));
    await waitForIncident(fleet.url);
    await initHome(home, {
      environment,
      settings: { connectors: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } } },
    });
    service = await CastellanService.open(home, { environment });
    for (const name of ['publisher', 'approver', 'approver2', 'secadmin', 'operator', 'auditor'])
      users[name] = await service.localUser(name);
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  it('ships the itops pack signed, admitted to prod with two approvers, and pins the agents to it', async () => {
    expect(service.config.environment).toBe('prod');
    // Other shipped packs (compliance, finance, rnd) are listed too: pick itops by name.
    const itops = (await service.packs.list(users.operator!)).find(
      (pack) => pack.name === '@castellan/itops',
    );
    expect(itops).toMatchObject({
      name: '@castellan/itops',
      environments: ['dev', 'prod'],
      quarantine: null,
    });
    const detail = await service.packs.show(users.operator!, `@castellan/itops@${itops!.version}`);
    expect(detail.admissions.find((row) => row.environment === 'prod')?.approvers).toEqual([
      'approver',
      'approver2',
    ]);
    const agents = await service.listAgents(users.operator!);
    expect(agents.find((agent) => agent.id === 'itops-agent')?.packs).toEqual([
      `@castellan/itops@${itops!.version}#${itops!.digest}`,
    ]);
  });

  it('promotes to prod only with two distinct approvers, neither the publisher nor the requester', async () => {
    const published = await service.packs.publish(users.publisher!, await signedVersion('0.5.0'));
    expect(
      (await service.packs.show(users.operator!, '@castellan/itops@0.5.0')).environments,
    ).toEqual(['dev']);
    // A person who is both publisher and approver still cannot approve what they published.
    const both: UserRecord = { ...users.approver!, id: 'pat', roles: ['publisher', 'approver'] };
    await service.store.users.upsert(both);
    const other = await service.packs.publish(both, await signedVersion('0.6.0'));
    const request = await service.packs.requestPromotion(
      users.secadmin!,
      '@castellan/itops@0.6.0',
      'prod',
    );
    await expect(
      service.packs.approvals.decide(both, request.id, { decision: 'approve' }),
    ).rejects.toThrow(/published @castellan\/itops@0\.6\.0 and cannot approve/);
    expect(other.digest).toMatch(/^sha256:/);

    const promotion = await service.packs.requestPromotion(
      users.publisher!,
      '@castellan/itops@0.5.0',
      'prod',
    );
    expect(promotion).toMatchObject({
      quorum: 2,
      approverRole: 'approver',
      requestedBy: 'publisher',
    });
    await expect(
      service.packs.approvals.decide(users.publisher!, promotion.id, { decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      service.packs.approvals.decide(users.secadmin!, promotion.id, { decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const first = await service.packs.approvals.decide(users.approver!, promotion.id, {
      decision: 'approve',
    });
    expect(first).toMatchObject({ applied: null, approval: { status: 'pending' } });
    expect(
      (await service.packs.show(users.operator!, '@castellan/itops@0.5.0')).environments,
    ).toEqual(['dev']);
    await expect(
      service.packs.approvals.decide(users.approver!, promotion.id, { decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'duplicate-decision' });
    const second = await service.packs.approvals.decide(users.approver2!, promotion.id, {
      decision: 'approve',
      reason: 'diff reviewed',
    });
    expect(second).toMatchObject({ applied: 'promoted', approval: { status: 'approved' } });
    const shown = await service.packs.show(users.operator!, '@castellan/itops@0.5.0');
    expect(shown.environments).toEqual(['dev', 'prod']);
    expect(shown.admissions.find((row) => row.environment === 'prod')).toMatchObject({
      approvers: ['approver', 'approver2'],
      admittedBy: 'publisher',
      digest: published.digest,
    });
    const promoted = await audited('pack-promoted');
    expect(promoted.at(-1)).toMatchObject({
      approver: 'approver,approver2',
      pack: { version: '0.5.0' },
    });
    // The generic approval command refuses pack requests rather than treating them as runs.
    await expect(
      service.decideApproval(users.approver!, request.id, { decision: 'approve' }),
    ).rejects.toThrow(/pack request/);
  });

  it('refuses a rollback: a version lower than one admitted cannot be published or promoted', async () => {
    await expect(
      service.packs.publish(users.publisher!, await signedVersion('0.0.1')),
    ).rejects.toMatchObject({ code: 'version-rollback' });
  });

  it('refuses a publish by someone without the publisher role, and changes nothing', async () => {
    const before = await service.packs.list(users.operator!);
    await expect(
      service.packs.publish(users.operator!, await signedVersion('0.7.0')),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await service.packs.list(users.operator!)).toEqual(before);
  });

  it('stops a running run at its next call once its pack is quarantined, and lifts it only with approval', async () => {
    const started = await service.startRun(users.operator!, {
      agent: 'itops-agent',
      prompt: 'payments is failing',
    });
    expect(started.run.status).toBe('awaiting_approval');
    const pidBefore = (
      (await (await fetch(new URL('/services', fleet.url))).json()) as Array<{
        name: string;
        pid: number;
      }>
    ).find((each) => each.name === 'payments')?.pid;
    // Other shipped packs (compliance, finance, rnd) are listed too: pick itops by name.
    const itops = (await service.packs.list(users.operator!)).find(
      (pack) => pack.name === '@castellan/itops',
    );
    const ref = `@castellan/itops@${itops!.version}`;
    await service.packs.quarantine(users.secadmin!, ref, 'dropper found in scan-logs');
    expect(
      (await service.packs.list(users.operator!)).find(
        (pack) => `${pack.name}@${pack.version}` === ref,
      )?.quarantine,
    ).toMatchObject({ reason: 'dropper found in scan-logs', quarantinedBy: 'secadmin' });

    const [pending] = await service.listApprovals(users.approver!, {
      status: ['pending'],
      runId: started.run.id,
    });
    const decided = await service.decideApproval(users.approver!, pending!.id, {
      decision: 'approve',
    });
    expect(decided.run.status).toBe('denied');
    expect(decided.run.reason).toMatch(/pack-quarantined|quarantined/);
    const pidAfter = (
      (await (await fetch(new URL('/services', fleet.url))).json()) as Array<{
        name: string;
        pid: number;
      }>
    ).find((each) => each.name === 'payments')?.pid;
    expect(pidAfter).toBe(pidBefore); // the restart never ran
    expect((await audited('pack-quarantined')).at(-1)).toMatchObject({
      actor: { user: 'secadmin' },
      details: { reason: 'dropper found in scan-logs' },
    });

    const blocked = await service.startRun(users.operator!, {
      agent: 'itops-agent',
      prompt: 'again',
    });
    expect(blocked.run.status).toBe('denied');

    const release = await service.packs.requestRelease(
      users.secadmin!,
      ref,
      'false positive, rescanned',
    );
    await expect(
      service.packs.approvals.decide(users.secadmin!, release.id, { decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(
      (await service.packs.list(users.operator!)).find(
        (pack) => `${pack.name}@${pack.version}` === ref,
      )?.quarantine,
    ).not.toBeNull();
    const released = await service.packs.approvals.decide(users.approver!, release.id, {
      decision: 'approve',
    });
    expect(released.applied).toBe('released');
    const again = await service.startRun(users.operator!, {
      agent: 'itops-agent',
      prompt: 'after release',
    });
    expect(again.run.status).not.toBe('denied');
  }, 60_000);

  it('blocks the packs of a key at once when a security-admin removes it, and only a security-admin may', async () => {
    const [key] = await service.packs.listTrust(users.operator!, 'prod');
    await expect(
      service.packs.untrustKey(users.operator!, {
        environment: 'prod',
        keyId: key!.keyId,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await service.packs.untrustKey(users.secadmin!, {
      environment: 'prod',
      keyId: key!.keyId,
      reason: 'key leaked',
    });
    const run = await service.startRun(users.operator!, {
      agent: 'itops-readonly',
      prompt: 'status',
    });
    expect(run.run.status).toBe('denied');
    expect(run.run.reason).toMatch(/signer-not-trusted|not trusted/);
    expect((await audited('pack-key-untrusted')).at(-1)).toMatchObject({
      actor: { user: 'secadmin' },
      details: { reason: 'key leaked' },
    });
  }, 30_000);
});
