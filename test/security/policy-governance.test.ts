/**
 * Policy governance through the application service, on a home made by `init`: validation
 * against the schema of the installed packs, versioned apply, the weakening rule with a second
 * security-admin's approval through the approvals room, list, show and diff.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome, readPolicyFolder } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import type { UserRecord } from '../../src/store/index.js';

const environment = readEnvironment({});
const EXTRA_FORBID = `@id("no-restarts-in-prod") forbid (
  principal,
  action == Castellan::Action::"@castellan/itops/restart-service",
  resource
) when { context.environment == "prod" };
`;

describe('policy governance', () => {
  let folder: string;
  let service: CastellanService;
  let starter: Record<string, string>;
  const users: Record<string, UserRecord> = {};

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-policy-'));
    const home = join(folder, 'home');
    await initHome(home, { environment });
    starter = readPolicyFolder(join(home, 'policies'));
    service = await CastellanService.open(home, { environment });
    for (const name of ['secadmin', 'operator', 'approver', 'auditor'])
      users[name] = await service.localUser(name);
    const second: UserRecord = {
      ...(users.secadmin as UserRecord),
      id: 'secadmin2',
      displayName: 'Second Security',
    };
    await service.store.users.upsert(second);
    users.secadmin2 = second;
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await rm(folder, { recursive: true, force: true });
  });

  const versions = async () =>
    (await service.policies.list(users.auditor as UserRecord)).map((item) => [
      item.version,
      item.active,
    ]);

  it('starts with the starter set as the active version 1', async () => {
    expect(await versions()).toEqual([[1, true]]);
  });

  it("validates against the installed packs' schema and names an unknown attribute as Cedar does", () => {
    expect(service.policies.validate(users.secadmin as UserRecord, starter).policies.length).toBe(
      7,
    );
    expect(() =>
      service.policies.validate(users.secadmin as UserRecord, {
        'ops.cedar': `@id("typo") permit (principal, action == Castellan::Action::"@castellan/itops/restart-service", resource)
when { context.args.servce == "payments" };`,
      }),
    ).toThrow(
      /ops\.cedar:1 @id\("typo"\).*attribute `args.servce`.*not found.*did you mean `service`/,
    );
  });

  it('applies a tightening change at once, as a new version', async () => {
    const outcome = await service.policies.apply(users.secadmin as UserRecord, {
      ...starter,
      'prod.cedar': EXTRA_FORBID,
    });
    expect(outcome).toMatchObject({ status: 'applied', version: 2 });
    expect(await versions()).toEqual([
      [1, false],
      [2, true],
    ]);
    const doctor = await service.doctor();
    expect(doctor.checks.find((check) => check.name === 'policy')?.detail).toContain('v2');
  });

  it('holds a weakening change for a second security-admin, never the proposer', async () => {
    const outcome = await service.policies.apply(users.secadmin as UserRecord, starter);
    expect(outcome.status).toBe('awaiting-approval');
    if (outcome.status !== 'awaiting-approval') return;
    expect(outcome.diff.weakening.map((change) => [change.id, change.why])).toEqual([
      ['no-restarts-in-prod', 'removes a forbid'],
    ]);
    expect(await versions()).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    const decide = (user: string) =>
      service.policies.decideChange(users[user] as UserRecord, outcome.approvalId, {
        decision: 'approve',
      });
    await expect(decide('secadmin')).rejects.toThrow(/cannot decide its approval/);
    await expect(decide('operator')).rejects.toThrow(/may not policy.apply/);
    // Not through the runs' approvals command either.
    await expect(
      service.decideApproval(users.approver as UserRecord, outcome.approvalId, {
        decision: 'approve',
      }),
    ).rejects.toThrow(/policy change/);
    const approval = (await service.listApprovals(users.auditor as UserRecord)).find(
      (item) => item.id === outcome.approvalId,
    );
    expect(approval).toMatchObject({
      runId: 'policy:v3',
      stepIndex: 3,
      approverRole: 'security-admin',
    });
    const decided = await decide('secadmin2');
    expect(decided).toMatchObject({ applied: 3, approval: { status: 'approved' } });
    expect((await versions()).at(-1)).toEqual([3, true]);
    const types = (await service.auditEntries(users.auditor as UserRecord, { limit: 10_000 })).map(
      (entry) => entry.type,
    );
    expect(types).toContain('policy-change-requested');
    expect(types.filter((type) => type === 'policy-activated').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses to activate an approved change once the active set moved on', async () => {
    const weakened = await service.policies.apply(users.secadmin as UserRecord, {
      'all.cedar': '@id("everything") permit (principal, action, resource);',
    });
    expect(weakened.status).toBe('awaiting-approval');
    const tightened = await service.policies.apply(users.secadmin2 as UserRecord, {
      ...starter,
      'prod.cedar': EXTRA_FORBID,
    });
    expect(tightened.status).toBe('applied');
    if (weakened.status !== 'awaiting-approval') return;
    await expect(
      service.policies.decideChange(users.secadmin2 as UserRecord, weakened.approvalId, {
        decision: 'approve',
      }),
    ).rejects.toThrow(/apply it again/);
    expect((await versions()).find(([, active]) => active)?.[0]).toBe(tightened.version);
  });

  it('shows a version and diffs two', async () => {
    const shown = await service.policies.show(users.auditor as UserRecord, '2');
    expect(shown.texts['prod.cedar']).toContain('no-restarts-in-prod');
    const diff = await service.policies.diff(users.auditor as UserRecord, 2, 3);
    expect(diff.changes.map((change) => [change.id, change.change, change.weakening])).toEqual([
      ['no-restarts-in-prod', 'removed', true],
    ]);
    await expect(service.policies.show(users.auditor as UserRecord, '99')).rejects.toThrow(
      /no policy set v99/,
    );
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await versions();
    await expect(
      service.policies.apply(users.secadmin as UserRecord, { 'bad.cedar': '@id("x") permit (' }),
    ).rejects.toThrow(/bad\.cedar/);
    await expect(
      service.policies.apply(users.secadmin as UserRecord, { '../x.cedar': 'x' }),
    ).rejects.toThrow(/plain file name/);
    await expect(service.policies.apply(users.operator as UserRecord, starter)).rejects.toThrow(
      /may not/,
    );
    expect(await versions()).toEqual(before);
  });
});

describe('a policy set applied by another process', () => {
  it('is enforced by a running service within the recheck interval', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'castellan-policy-two-'));
    try {
      const home = join(folder, 'home');
      await initHome(home, { environment });
      const server = await CastellanService.open(home, { environment });
      const cli = await CastellanService.open(home, { environment });
      try {
        const admin = await cli.localUser('secadmin');
        const starter = readPolicyFolder(join(home, 'policies'));
        expect(
          (await server.doctor()).checks.find((check) => check.name === 'policy')?.detail,
        ).toContain('v1');
        const applied = await cli.policies.apply(admin, { ...starter, 'prod.cedar': EXTRA_FORBID });
        expect(applied).toMatchObject({ status: 'applied', version: 2 });
        // The running service learns of v2 from the store at its next recheck.
        await new Promise((resolve) => setTimeout(resolve, 2100));
        await server.doctor();
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(
          (await server.doctor()).checks.find((check) => check.name === 'policy')?.detail,
        ).toContain('v2');
      } finally {
        await cli.close();
        await server.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
