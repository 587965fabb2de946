import { createServer, type Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notificationSettingsSchema } from '../../config/index.js';
import { systemClock } from '../../core/index.js';
import {
  createApprovalsHarness,
  ORG,
  type ApprovalsHarness,
} from '../__fixtures__/approvals-harness.js';
import { readLinkToken } from '../links.js';
import { backoffMs, NotificationDispatcher, type NotificationEvent } from './dispatcher.js';

/** A webhook receiver on 127.0.0.1 that fails the first `failures` posts of each path with 500. */
class Receiver {
  readonly received: Array<{ path: string; body: any; at: number }> = [];
  readonly failures = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const path = request.url ?? '/';
        const left = this.failures.get(path) ?? 0;
        this.received.push({ path, body: JSON.parse(text), at: Date.now() });
        if (left > 0) {
          this.failures.set(path, left - 1);
          response.writeHead(500).end('{"error":"try later"}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('webhook notifications', () => {
  const receiver = new Receiver();
  let harness: ApprovalsHarness;
  let events: NotificationEvent[];

  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(async () => {
    harness = await createApprovalsHarness();
    events = [];
    receiver.received.length = 0;
  });
  afterEach(() => harness.close());

  const dispatcher = (overrides: Record<string, unknown> = {}) => {
    const settings = notificationSettingsSchema.parse({
      webhooks: [
        { name: 'ops-json', format: 'json', url: `${receiver.url}/json` },
        { name: 'ops-slack', format: 'slack', url: `${receiver.url}/slack`, users: ['anna'] },
        { name: 'ops-teams', format: 'teams', url: `${receiver.url}/teams` },
      ],
      baseDelayMs: 40,
      maxDelayMs: 1000,
      maxAttempts: 4,
      ...overrides,
    });
    return new NotificationDispatcher({
      store: harness.store,
      orgId: ORG,
      settings,
      links: { baseUrl: 'https://castellan.example', ttlSeconds: 600 },
      signer: harness.signer,
      clock: systemClock,
      record: async (event) => {
        events.push(event);
      },
    });
  };

  async function deliverUntilSettled(make: () => NotificationDispatcher, approvalId: string) {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      // A new dispatcher each round: nothing but the outbox rows carries over.
      await make().deliverDue();
      const pending = await harness.store.approvalDelivery.list(ORG, {
        approvalId,
        status: ['pending'],
      });
      if (pending.length === 0) return;
      await delay(20);
    }
    throw new Error('notifications did not settle');
  }

  it('delivers JSON, Slack and Teams payloads with links for eligible approvers only', async () => {
    const approval = await harness.request({
      notify: ['ops-json', 'ops-slack', 'ops-teams'],
      details: { change: { diff: [{ path: 'poolSize', op: 'replace', from: 8, to: 16 }] } },
    });
    await deliverUntilSettled(() => dispatcher(), approval.id);
    const byPath = Object.fromEntries(receiver.received.map((each) => [each.path, each.body]));
    const json = byPath['/json'];
    expect(json).toMatchObject({
      type: 'approval-requested',
      approval: { id: approval.id, tool: '@castellan/itops/set-config', quorum: 1 },
    });
    // Eligible: the approver role, not the requester, owner or publisher, not disabled.
    expect(json.links.map((link: { approver: string }) => link.approver).sort()).toEqual([
      'alex',
      'anna',
      'arno',
    ]);
    const token = String(json.links[0].approve).split('/links/approvals/')[1] ?? '';
    const claims = await readLinkToken(harness.signer, token, new Date());
    expect(claims).toMatchObject({ apr: approval.id, dec: 'approve', usr: json.links[0].approver });

    const slack = byPath['/slack'];
    expect(slack.text).toContain('Approval needed: @castellan/itops/set-config');
    const actions = slack.blocks.filter((block: { type: string }) => block.type === 'actions');
    expect(actions).toHaveLength(1); // the channel names only anna
    expect(
      actions[0].elements.map((element: { text: { text: string } }) => element.text.text),
    ).toEqual(['Approve as anna', 'Deny as anna']);
    expect(JSON.stringify(slack.blocks)).toContain('poolSize: 8 → 16');

    const teams = byPath['/teams'];
    expect(teams.type).toBe('message');
    const card = teams.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(
      card.content.actions.every((action: { type: string }) => action.type === 'Action.OpenUrl'),
    ).toBe(true);
    expect(events.map((event) => event.type)).toEqual([
      'notification-delivered',
      'notification-delivered',
      'notification-delivered',
    ]);
  });

  it('retries after 500s with growing waits, across dispatcher restarts, and records each attempt', async () => {
    receiver.failures.set('/json', 2);
    const approval = await harness.request({ notify: ['ops-json'] });
    await deliverUntilSettled(() => dispatcher(), approval.id);
    const attempts = receiver.received.filter((each) => each.path === '/json');
    expect(attempts).toHaveLength(3);
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(35); // base 40 ms (clock granularity)
    expect(gaps[1]).toBeGreaterThanOrEqual(75); // doubled
    expect(events.map((event) => event.type)).toEqual([
      'notification-attempt-failed',
      'notification-attempt-failed',
      'notification-delivered',
    ]);
    expect(events[0]?.details).toMatchObject({ attempt: 1, error: 'the webhook answered 500' });
    const [row] = await harness.store.approvalDelivery.list(ORG, { approvalId: approval.id });
    expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('gives up after the last attempt and says so; a decided request is not announced', async () => {
    receiver.failures.set('/teams', 100);
    const approval = await harness.request({ notify: ['ops-teams'] });
    await deliverUntilSettled(() => dispatcher({ maxAttempts: 3 }), approval.id);
    expect(receiver.received.filter((each) => each.path === '/teams')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({
      type: 'notification-abandoned',
      details: { attempt: 3 },
    });
    const [row] = await harness.store.approvalDelivery.list(ORG, { approvalId: approval.id });
    expect(row).toMatchObject({ status: 'failed', lastError: 'the webhook answered 500' });

    const decided = await harness.request({ notify: ['ops-json'] });
    await harness.approvals.decide(ORG, decided.id, harness.users.anna!, 'deny', null);
    const before = receiver.received.length;
    await deliverUntilSettled(() => dispatcher(), decided.id);
    expect(receiver.received.length).toBe(before);
    expect(events.at(-1)).toMatchObject({
      type: 'notification-abandoned',
      details: { error: 'the request is already denied; there is nothing to ask' },
    });
  });

  it('bounds the backoff', () => {
    const settings = notificationSettingsSchema.parse({ baseDelayMs: 1000, maxDelayMs: 5000 });
    expect([1, 2, 3, 4, 10, 100].map((attempt) => backoffMs(settings, attempt))).toEqual([
      1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });
});
