/**
 * A real SQLite store with the people an approval needs: a requester, an agent owner, a pack
 * publisher who also holds the approver role, and three plain approvers; a manual clock; and an
 * Ed25519 link signer like the one the api room wires.
 */
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../core/index.js';
import { openSqliteStore, type Store, type UserRecord } from '../../store/index.js';
import { Approvals, type ApprovalRequestInput } from '../approvals.js';
import type { LinkSigner } from '../links.js';

export const ORG = 'default';

/** A signer over a fresh Ed25519 key pair. */
export async function testSigner(): Promise<LinkSigner> {
  const pair = (await webcrypto.subtle.generateKey('Ed25519', false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  return {
    sign: async (data) =>
      new Uint8Array(await webcrypto.subtle.sign('Ed25519', pair.privateKey, data)),
    verify: (data, signature) =>
      webcrypto.subtle.verify('Ed25519', pair.publicKey, signature, data),
  };
}

export interface ApprovalsHarness {
  store: Store;
  clock: ManualClock;
  approvals: Approvals;
  signer: LinkSigner;
  users: Record<string, UserRecord>;
  request(overrides?: Partial<ApprovalRequestInput>): ReturnType<Approvals['request']>;
  close(): Promise<void>;
}

export async function createApprovalsHarness(): Promise<ApprovalsHarness> {
  const folder = mkdtempSync(join(tmpdir(), 'castellan-approvals-'));
  const store = await openSqliteStore(join(folder, 'castellan.db'));
  const clock = new ManualClock(Date.now());
  const people: Array<[string, string[]]> = [
    ['operator', ['operator', 'approver']],
    ['owner', ['admin', 'approver']],
    ['publisher', ['publisher', 'approver']],
    ['anna', ['approver']],
    ['arno', ['approver']],
    ['alex', ['approver']],
    ['fiona', ['approver:finance']],
    ['gone', ['approver']],
  ];
  const users: Record<string, UserRecord> = {};
  for (const [id, roles] of people) {
    const user: UserRecord = {
      orgId: ORG,
      id,
      displayName: id,
      roles,
      disabled: id === 'gone',
      createdAt: clock.now().toISOString(),
    };
    await store.users.upsert(user);
    users[id] = user;
  }
  const approvals = new Approvals(store, clock);
  return {
    store,
    clock,
    approvals,
    signer: await testSigner(),
    users,
    request: (overrides = {}) =>
      approvals.request({
        orgId: ORG,
        runId: 'run_1',
        stepIndex: 3,
        tool: '@castellan/itops/set-config',
        args: { service: 'payments', config: { poolSize: 16 } },
        requestedBy: 'operator',
        approverRole: 'approver',
        quorum: 1,
        reason: 'risky-writes-need-approval',
        expiresInSeconds: 3600,
        forbiddenApprovers: [
          { user: 'owner', why: 'agent-owner' },
          { user: 'publisher', why: 'pack-publisher' },
        ],
        ...overrides,
      }),
    async close() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
