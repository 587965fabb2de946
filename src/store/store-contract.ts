import { afterAll, beforeAll, describe } from 'vitest';
import { approvalDeliveryContract } from './contract/approval-delivery.js';
import { auditLogContract } from './contract/audit-log.js';
import { auditEvidenceContract } from './contract/audit-evidence.js';
import type { ContractHarness } from './contract/fixtures.js';
import { governanceRecordContract } from './contract/governance-records.js';
import { guardPolicyContract } from './contract/guard-policy.js';
import { accessRecordContract } from './contract/access-records.js';
import { identityRecordContract } from './contract/identity-records.js';
import { lifecycleContract } from './contract/lifecycle.js';
import { packRecordContract } from './contract/pack-records.js';
import { runRecordContract } from './contract/run-records.js';
import type { Store } from './port.js';

/**
 * The one contract every store adapter passes. `open` must return a new store instance on the
 * same database each time it is called (the suite opens several to prove cross-connection
 * behaviour); `cleanup` runs once every instance is closed.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  cleanup: () => Promise<void>,
): void {
  describe(`store contract: ${name}`, () => {
    let main: Store | undefined;
    const others: Store[] = [];

    beforeAll(async () => {
      main = await open();
    });

    afterAll(async () => {
      for (const store of others) await store.close();
      await main?.close();
      await cleanup();
    });

    const harness: ContractHarness = {
      store() {
        if (main === undefined) throw new Error('the contract store did not open');
        return main;
      },
      async openAnother() {
        const store = await open();
        others.push(store);
        return store;
      },
    };

    describe('identity records', () => identityRecordContract(harness));
    describe('access records', () => accessRecordContract(harness));
    describe('runs and steps', () => runRecordContract(harness));
    describe('approvals and policies', () => governanceRecordContract(harness));
    describe('approval delivery', () => approvalDeliveryContract(harness));
    describe('audit log', () => auditLogContract(harness));
    describe('audit evidence', () => auditEvidenceContract(harness));
    describe('guard and policy governance', () => guardPolicyContract(harness));
    describe('pack registry and trust', () => packRecordContract(harness));
    describe('transactions and lifecycle', () => lifecycleContract(harness));
  });
}
