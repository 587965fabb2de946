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

/** Builds the Store over a Kysely handle; the repositories are the same for both dialects. */
export function createKyselyStore(options: KyselyStoreOptions): Store {
  return new KyselyStore({ ...options, closed: false }, undefined);
}

/**
 * The store over one Kysely handle: the root database, or one transaction (every transaction
 * gets a store of its own). Repositories are built on first use and kept, and their getters
 * live on the prototype: a transaction's store is one small object, where one built with a
 * closure per repository made every audit append leave about 11 KB for the garbage collector
 * to copy, which is what the gate's slowest calls waited for.
 */
class KyselyStore implements Store {
  readonly kind: DialectKind;
  readonly #shared: SharedState;
  readonly #transaction: Kysely<Database> | undefined;
  readonly #context: RepositoryContext;
  readonly #built: Partial<Record<RepositoryName, object>> = {};

  constructor(shared: SharedState, transaction: Kysely<Database> | undefined) {
    this.kind = shared.dialect;
    this.#shared = shared;
    this.#transaction = transaction;
    this.#context = {
      db: transaction ?? shared.db,
      dialect: shared.dialect,
      inTransaction: (work) =>
        transaction === undefined ? shared.db.transaction().execute(work) : work(transaction),
    };
    rememberHandleForTests(this, this.#context.db);
  }

  /** The repository `name`, built (and guarded) on first use. */
  repository<Name extends RepositoryName>(name: Name): Store[Name] {
    let built = this.#built[name] as Store[Name] | undefined;
    if (built === undefined) {
      built = guardMethods(repositoryFactories[name](this.#context), this.#shared.database, () =>
        this.#assertUsable(),
      );
      this.#built[name] = built;
    }
    return built;
  }

  // A closed store answers nothing (`unavailable`, never a stale answer), and a root store
  // refuses calls made from inside its own transaction.
  #assertUsable(): void {
    const shared = this.#shared;
    if (shared.closed) throw new StoreError('unavailable', `${shared.database} is closed`);
    const mark = insideTransaction.getStore();
    if (this.#transaction === undefined && mark?.active === true && mark.db === shared.db) {
      throw new StoreError(
        'conflict',
        'the store was called inside its own transaction: use the store passed to the work',
      );
    }
  }

  // A nested call joins the enclosing transaction: one commit, one rollback.
  async transaction<T>(work: (inner: Store) => Promise<T>): Promise<T> {
    const shared = this.#shared;
    if (this.#transaction !== undefined) return work(this);
    this.#assertUsable();
    const mark = { db: shared.db, active: true };
    try {
      return await shared.db
        .transaction()
        .execute((inner) =>
          insideTransaction.run(mark, () => work(new KyselyStore(shared, inner))),
        );
    } catch (error) {
      throw translateError(error, shared.database);
    } finally {
      mark.active = false;
    }
  }

  async migrate(): Promise<void> {
    if (this.#transaction !== undefined) {
      throw new StoreError('conflict', 'migrations cannot run inside a store transaction');
    }
    this.#assertUsable();
    try {
      await runMigrations(this.#shared.db, this.#shared.dialect, this.#shared.migrationSchema);
    } catch (error) {
      throw translateError(error, this.#shared.database);
    }
  }

  async ping(): Promise<void> {
    this.#assertUsable();
    try {
      await sql`select 1`.execute(this.#context.db);
    } catch (error) {
      throw translateError(error, this.#shared.database);
    }
  }

  async close(): Promise<void> {
    if (this.#transaction !== undefined) {
      throw new StoreError('conflict', 'a store transaction cannot close the store');
    }
    if (this.#shared.closed) return;
    this.#shared.closed = true;
    await this.#shared.release();
  }
}

// The repositories' types; their getters are defined on the prototype, once for all stores.
interface KyselyStore extends Pick<Store, RepositoryName> {}

for (const name of Object.keys(repositoryFactories) as RepositoryName[]) {
  Object.defineProperty(KyselyStore.prototype, name, {
    enumerable: true,
    get(this: KyselyStore) {
      return this.repository(name);
    },
  });
}
