import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createApprovalsHarness,
  ORG,
  type ApprovalsHarness,
} from './__fixtures__/approvals-harness.js';
import { issueLinkToken } from './links.js';

describe('approval requests and decisions', () => {
  let harness: ApprovalsHarness;
  beforeEach(async () => {
    harness = await createApprovalsHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('grants a quorum of two only after two distinct approvers say yes', async () => {
    const approval = await harness.request({ quorum: 2 });
    const first = await harness.approvals.decide(
      ORG,
      approval.id,
      harness.users.anna!,
      'approve',
      null,
    );
    expect(first.status).toBe('pending');
    await expect(
      harness.approvals.decide(ORG, approval.id, harness.users.anna!, 'approve', 'again'),
    ).rejects.toMatchObject({ code: 'duplicate-decision' });
    expect((await harness.approvals.get(ORG, approval.id)).approval.status).toBe('pending');
    const second = await harness.approvals.decide(
      ORG,
      approval.id,
      harness.users.arno!,
      'approve',
      null,
    );
    expect(second.status).toBe('approved');
    const view = await harness.approvals.get(ORG, approval.id);
    expect(view.decisions.map((decision) => decision.approver)).toEqual(['anna', 'arno']);
  });

  it('refuses every forbidden approver and records nothing for them', async () => {
    const approval = await harness.request();
    const { users } = harness;
    const refusals = [
      [users.operator!, 'self-approval'], // the run's requester
      [users.owner!, 'separation-of-duties'], // the agent's owner
      [users.publisher!, 'separation-of-duties'], // the pack's publisher
      [users.fiona!, 'missing-role'], // a different approver role
      [users.gone!, 'missing-role'], // disabled
    ] as const;
    for (const [user, code] of refusals) {
      await expect(
        harness.approvals.decide(ORG, approval.id, user, 'approve', null),
      ).rejects.toMatchObject({
        code,
      });
    }
    await expect(
      harness.approvals.decide(ORG, approval.id, users.owner!, 'deny', null),
    ).rejects.toMatchObject({
      message: expect.stringContaining("the owner of the run's agent"),
    });
    expect((await harness.approvals.get(ORG, approval.id)).decisions).toEqual([]);
    // Anyone who already decided is refused too (shown with a quorum of two).
    const two = await harness.request({ quorum: 2 });
    await harness.approvals.decide(ORG, two.id, users.anna!, 'approve', null);
    await expect(
      harness.approvals.decide(ORG, two.id, users.anna!, 'deny', null),
    ).rejects.toMatchObject({
      code: 'duplicate-decision',
    });
  });

  it('ends the request on one deny, whatever approvals came before', async () => {
    const approval = await harness.request({ quorum: 3 });
    await harness.approvals.decide(ORG, approval.id, harness.users.anna!, 'approve', null);
    const denied = await harness.approvals.decide(
      ORG,
      approval.id,
      harness.users.arno!,
      'deny',
      'not now',
    );
    expect(denied.status).toBe('denied');
    await expect(
      harness.approvals.decide(ORG, approval.id, harness.users.alex!, 'approve', null),
    ).rejects.toMatchObject({ code: 'already-decided' });
  });

  it('treats expiry as a deny: a late decision is refused and the expiry sticks', async () => {
    const approval = await harness.request({ expiresInSeconds: 60 });
    harness.clock.advance(61_000);
    await expect(
      harness.approvals.decide(ORG, approval.id, harness.users.anna!, 'approve', null),
    ).rejects.toMatchObject({ code: 'expired' });
    expect((await harness.approvals.get(ORG, approval.id)).approval.status).toBe('expired');
  });

  it('sweeps expired requests without anyone deciding, once', async () => {
    const soon = await harness.request({ expiresInSeconds: 60 });
    const later = await harness.request({ expiresInSeconds: 7200 });
    expect(await harness.approvals.expireDue(ORG)).toEqual([]);
    harness.clock.advance(120_000);
    const ended = await harness.approvals.expireDue(ORG);
    expect(ended.map((approval) => approval.id)).toEqual([soon.id]);
    expect(await harness.approvals.expireDue(ORG)).toEqual([]);
    expect((await harness.approvals.get(ORG, later.id)).approval.status).toBe('pending');
  });

  it('keeps what the request shows and enqueues its notifications with it', async () => {
    const approval = await harness.request({
      details: { change: { diff: [{ path: 'poolSize', op: 'replace', from: 8, to: 16 }] } },
      notify: ['ops-slack', 'ops-json'],
    });
    const stored = await harness.store.approvals.get(ORG, approval.id);
    expect(stored?.details).toEqual(approval.details);
    expect(stored?.forbiddenApprovers?.map((entry) => entry.user)).toEqual(['owner', 'publisher']);
    const queued = await harness.store.approvalDelivery.list(ORG, { approvalId: approval.id });
    expect(
      queued.map((notification) => `${notification.channel}:${notification.status}`).sort(),
    ).toEqual(['ops-json:pending', 'ops-slack:pending']);
  });
});

describe('signed one-time decision links', () => {
  let harness: ApprovalsHarness;
  beforeEach(async () => {
    harness = await createApprovalsHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  const link = (
    harness: ApprovalsHarness,
    approvalId: string,
    user: string,
    dec: 'approve' | 'deny',
    ttl = 600,
  ) =>
    issueLinkToken(harness.signer, {
      org: ORG,
      apr: approvalId,
      usr: user,
      dec,
      exp: Math.floor(harness.clock.now().getTime() / 1000) + ttl,
    });

  it('decides as the approver the link names, once; a replay is refused', async () => {
    const approval = await harness.request({ quorum: 2 });
    const { token } = await link(harness, approval.id, 'anna', 'approve');
    const outcome = await harness.approvals.decideByLink(ORG, harness.signer, token, null);
    expect(outcome).toMatchObject({ status: 'pending', approver: { id: 'anna' } });
    await expect(
      harness.approvals.decideByLink(ORG, harness.signer, token, null),
    ).rejects.toMatchObject({
      code: 'link-used',
    });
    expect((await harness.approvals.get(ORG, approval.id)).decisions).toHaveLength(1);
  });

  it('refuses a tampered, foreign, expired or forbidden link and decides nothing', async () => {
    const approval = await harness.request();
    const { token } = await link(harness, approval.id, 'anna', 'approve');
    const [prefix, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, dec: 'deny' })).toString('base64url');
    await expect(
      harness.approvals.decideByLink(ORG, harness.signer, `${prefix}.${forged}.${signature}`, null),
    ).rejects.toMatchObject({ code: 'bad-link' });
    for (const junk of ['', 'cal1..', 'x'.repeat(5000), `${token}x`, 'cal1.e30.AAAA']) {
      await expect(
        harness.approvals.decideByLink(ORG, harness.signer, junk, null),
      ).rejects.toMatchObject({
        code: 'bad-link',
      });
    }
    const other = await createApprovalsHarness();
    try {
      const foreign = await link(other, approval.id, 'anna', 'approve');
      await expect(
        harness.approvals.decideByLink(ORG, harness.signer, foreign.token, null),
      ).rejects.toMatchObject({ code: 'bad-link' });
    } finally {
      await other.close();
    }
    await expect(
      harness.approvals.decideByLink('another-org', harness.signer, token, null),
    ).rejects.toMatchObject({
      code: 'bad-link',
    });
    const short = await link(harness, approval.id, 'arno', 'approve', 30);
    harness.clock.advance(31_000);
    await expect(
      harness.approvals.decideByLink(ORG, harness.signer, short.token, null),
    ).rejects.toMatchObject({
      code: 'link-expired',
    });
    const owners = await link(harness, approval.id, 'owner', 'approve');
    await expect(
      harness.approvals.decideByLink(ORG, harness.signer, owners.token, null),
    ).rejects.toMatchObject({
      code: 'separation-of-duties',
    });
    expect((await harness.approvals.get(ORG, approval.id)).approval.status).toBe('pending');
    expect((await harness.approvals.get(ORG, approval.id)).decisions).toEqual([]);
  });
});
