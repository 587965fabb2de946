import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database, DialectKind } from './database.js';
import { StoreError } from './errors.js';
import { runMigrations } from './migrations/index.js';
import type { Store } from './port.js';
import { agentRepository } from './repositories/agents.js';
import { apiKeyRepository } from './repositories/api-keys.js';
import { approvalRepository } from './repositories/approvals.js';
import { approvalDeliveryRepository } from './repositories/approval-delivery.js';
import { auditRepository } from './repositories/audit.js';
import type { RepositoryContext } from './repositories/context.js';
import { organisationRepository } from './repositories/organisations.js';
import { packRepository } from './repositories/packs.js';
import { policyRepository } from './repositories/policies.js';
import { auditPayloadRepository } from './repositories/audit-payloads.js';
import { auditTreeRepository } from './repositories/audit-tree.js';
import { egressCounterRepository } from './repositories/egress-counters.js';
import { grantRepository } from './repositories/grants.js';
import { guardVaultRepository } from './repositories/guard-vault.js';
import { issuedTokenRepository } from './repositories/issued-tokens.js';
import { policyGovernanceRepository } from './repositories/policy-governance.js';
import { revocationStateRepository } from './repositories/revocation-state.js';
import { revocationRepository } from './repositories/revocations.js';
import { runRepository } from './repositories/runs.js';
import { scopeRequestRepository } from './repositories/scope-requests.js';
import { stepRepository } from './repositories/steps.js';
import { userRepository } from './repositories/users.js';
import { rememberHandleForTests } from './testing.js';
import { guardMethods, translateError } from './translate-error.js';

/** What both adapters hand to the shared store once they hold a connected Kysely. */
export interface KyselyStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: DialectKind;
  /** Names the database in error messages (never with a password). */
  readonly database: string;
  /** PostgreSQL schema holding the migration tables; undefined for SQLite. */
  readonly migrationSchema: string | undefined;
  /** Gives the connection (or pool) back; called once, by close(). */
  readonly release: () => Promise<void>;
}

interface SharedState extends KyselyStoreOptions {
  closed: boolean;
}

// Marks the async work running inside a transaction. Calling the root store from there would
// wait for the transaction's own connection (SQLite) or lock (PostgreSQL advisory lock) and
// hang forever; with the mark, it fails at once with an error that says what to do instead.
const insideTransaction = new AsyncLocalStorage<{ db: Kysely<Database>; active: boolean }>();

type RepositoryName = Exclude<keyof Store, 'kind' | 'transaction' | 'migrate' | 'ping' | 'close'>;

const repositoryFactories: {
  [Name in RepositoryName]: (context: RepositoryContext) => Store[Name];
} = {
  organisations: organisationRepository,
  users: userRepository,
  apiKeys: apiKeyRepository,
  agents: agentRepository,
  runs: runRepository,
  steps: stepRepository,
  approvals: approvalRepository,
  audit: auditRepository,
  revocations: revocationRepository,
  policies: policyRepository,
  grants: grantRepository,
  scopeRequests: scopeRequestRepository,
  issuedTokens: issuedTokenRepository,
  revocationState: revocationStateRepository,
  auditTree: auditTreeRepository,
  auditPayloads: auditPayloadRepository,
  guardVault: guardVaultRepository,
  egress: egressCounterRepository,
  policyGovernance: policyGovernanceRepository,
  packs: packRepository,
  approvalDelivery: approvalDeliveryRepository,
};

/**
 * The repositories as getters that build each one on first use. Every transaction gets a store
 * of its own, and most touch two or three repositories: building all of them up front cost more
 * than the audit append's statements.
 */
function lazyRepositories(
  context: RepositoryContext,
  guard: <T extends object>(repository: T) => T,
): Pick<Store, RepositoryName> {
  const repositories = {} as Pick<Store, RepositoryName>;
  for (const name of Object.keys(repositoryFactories) as RepositoryName[]) {
    let built: object | undefined;
    Object.defineProperty(repositories, name, {
      enumerable: true,
      get: () => (built ??= guard(repositoryFactories[name](context))),
    });
  }
  return repositories;
}

/** Builds the Store over a Kysely handle; the repositories are the same for both dialects. */
export function createKyselyStore(options: KyselyStoreOptions): Store {
  return buildStore({ ...options, closed: false }, undefined);
}

function buildStore(shared: SharedState, transaction: Kysely<Database> | undefined): Store {
  const db = transaction ?? shared.db;
  const translate = (error: unknown) => translateError(error, shared.database);
  const context: RepositoryContext = {
    db,
    dialect: shared.dialect,
    inTransaction: (work) =>
      transaction === undefined ? shared.db.transaction().execute(work) : work(transaction),
  };
  // A closed store answers nothing (`unavailable`, never a stale answer), and a root store refuses
  // calls made from inside its own transaction.
  const assertUsable = () => {
    if (shared.closed) throw new StoreError('unavailable', `${shared.database} is closed`);
    const mark = insideTransaction.getStore();
    if (transaction === undefined && mark?.active === true && mark.db === shared.db) {
      throw new StoreError(
        'conflict',
        'the store was called inside its own transaction: use the store passed to the work',
      );
    }
  };
  const guard = <T extends object>(repository: T): T =>
    guardMethods(repository, shared.database, assertUsable);

  // Object.assign keeps the getters of its target (a spread would call every one of them).
  const store: Store = Object.assign(lazyRepositories(context, guard), {
    kind: shared.dialect,

    // A nested call joins the enclosing transaction: one commit, one rollback.
    async transaction<T>(work: (inner: Store) => Promise<T>): Promise<T> {
      if (transaction !== undefined) return work(store);
      assertUsable();
      const mark = { db: shared.db, active: true };
      try {
        return await shared.db
          .transaction()
          .execute((inner) => insideTransaction.run(mark, () => work(buildStore(shared, inner))));
      } catch (error) {
        throw translate(error);
      } finally {
        mark.active = false;
      }
    },

    async migrate() {
      if (transaction !== undefined) {
        throw new StoreError('conflict', 'migrations cannot run inside a store transaction');
      }
      assertUsable();
      try {
        await runMigrations(shared.db, shared.dialect, shared.migrationSchema);
      } catch (error) {
        throw translate(error);
      }
    },

    async ping() {
      assertUsable();
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw translate(error);
      }
    },

    async close() {
      if (transaction !== undefined) {
        throw new StoreError('conflict', 'a store transaction cannot close the store');
      }
      if (shared.closed) return;
      shared.closed = true;
      await shared.release();
    },
  });
  rememberHandleForTests(store, db);
  return store;
}
