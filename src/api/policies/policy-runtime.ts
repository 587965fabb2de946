import { describeError } from '../../core/index.js';
import type { PackCatalog } from '../../packs/index.js';
import {
  generateSchema,
  PolicyEngine,
  type PolicySchema,
  type SchemaTool,
} from '../../policy/index.js';
import type { PolicySetRecord, Store } from '../../store/index.js';

/** The tools of every pack in the catalog, as the schema generator takes them. */
export function schemaTools(catalog: PackCatalog): SchemaTool[] {
  return catalog.packs().flatMap((pack) =>
    [...pack.tools.values()].map((tool) => ({
      id: tool.id,
      effect: tool.manifest.effect,
      risk: tool.manifest.risk,
      resourceType: tool.manifest.resource.type,
      args: tool.manifest.args,
    })),
  );
}

function fingerprint(catalog: PackCatalog): string {
  return catalog
    .packs()
    .map((pack) => `${pack.manifest.name}@${pack.digest}`)
    .sort()
    .join('|');
}

/**
 * The enforced and the shadow policy engines of one process, each loaded against the schema of
 * the packs installed now. When the catalog changes (a registry pack loads, say), the schema is
 * generated again and both sets are validated against it before the next decision: a set that
 * no longer fits leaves no engine, and every call is denied with the reason (fail closed).
 */
export class PolicyRuntime {
  #active: PolicySetRecord | undefined;
  #shadow: PolicySetRecord | undefined;
  #fingerprint: string | undefined;
  #schema: PolicySchema | undefined;
  #schemaProblem: string | undefined;
  #engine: PolicyEngine | undefined;
  #problem: string | undefined = 'no policy set is active';
  #shadowEngine: PolicyEngine | undefined;
  #checkedAt = 0;
  #checking: Promise<void> | undefined;

  private constructor(
    private readonly store: Store,
    private readonly orgId: string,
    private readonly catalog: PackCatalog,
    private readonly options: { recheckMs: number; now: () => number },
  ) {}

  /**
   * Loads the active and shadow sets from the store. `recheckMs`: how often a decision may
   * trigger a look at the store for a version another process applied (default 2 s).
   */
  static async open(
    store: Store,
    orgId: string,
    catalog: PackCatalog,
    options: { recheckMs?: number; now?: () => number } = {},
  ): Promise<PolicyRuntime> {
    const runtime = new PolicyRuntime(store, orgId, catalog, {
      recheckMs: options.recheckMs ?? 2000,
      now: options.now ?? Date.now,
    });
    await runtime.reload();
    return runtime;
  }

  /**
   * Looks in the store for versions another process made active or put in shadow (a CLI
   * `policy apply` beside a running server), and loads them. Decisions go on with the engine
   * in hand until the new one is loaded: at most `recheckMs` plus one query behind.
   */
  async recheck(): Promise<void> {
    const active = await this.store.policies.active(this.orgId);
    const shadow = await this.store.policyGovernance.shadow(this.orgId);
    if (active?.version !== this.#active?.version || shadow?.version !== this.#shadow?.version)
      await this.reload();
  }

  /** Reads the active and shadow versions again (after an apply, or another process's). */
  async reload(): Promise<void> {
    this.#active = await this.store.policies.active(this.orgId);
    const shadow = await this.store.policyGovernance.shadow(this.orgId);
    this.#shadow =
      shadow === undefined ? undefined : await this.store.policies.get(this.orgId, shadow.version);
    this.#fingerprint = undefined;
    this.#refresh();
  }

  /** The enforced engine, or undefined (every call denied) with `problem` saying why. */
  engine(): PolicyEngine | undefined {
    this.#maybeRecheck();
    this.#refresh();
    return this.#engine;
  }

  /** Resolves once a recheck started by a decision has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#checking;
  }

  #maybeRecheck(): void {
    const now = this.options.now();
    if (this.#checking !== undefined || now - this.#checkedAt < this.options.recheckMs) return;
    this.#checkedAt = now;
    // A store that cannot answer keeps the engine in hand; the store's own failure denies the
    // call at the next stage that needs it.
    this.#checking = this.recheck()
      .catch(() => undefined)
      .finally(() => {
        this.#checking = undefined;
      });
  }

  /** The shadow engine, when a candidate set is being tried beside the enforced one. */
  shadow(): PolicyEngine | undefined {
    this.#refresh();
    return this.#shadowEngine;
  }

  /** Why there is no enforced engine. */
  get problem(): string | undefined {
    this.#refresh();
    return this.#problem;
  }

  /** The schema of the installed packs; throws when they do not make one. */
  schema(): PolicySchema {
    this.#refresh();
    if (this.#schema === undefined) throw new Error(this.#schemaProblem ?? 'no schema');
    return this.#schema;
  }

  /** The shape the doctor and the service read: the engine and, without one, the reason. */
  get state(): { engine?: PolicyEngine; problem?: string } {
    const runtime = this;
    return {
      get engine() {
        return runtime.engine();
      },
      get problem() {
        return runtime.problem;
      },
    };
  }

  #refresh(): void {
    const current = fingerprint(this.catalog);
    if (current === this.#fingerprint) return;
    this.#fingerprint = current;
    try {
      this.#schema = generateSchema(schemaTools(this.catalog));
      this.#schemaProblem = undefined;
    } catch (error) {
      this.#schema = undefined;
      this.#schemaProblem = `the installed packs do not make a policy schema: ${describeError(error)}`;
    }
    const active = this.#load(this.#active);
    this.#engine = active.engine;
    this.#problem = active.problem;
    this.#shadowEngine = this.#load(this.#shadow).engine;
  }

  #load(record: PolicySetRecord | undefined): { engine?: PolicyEngine; problem?: string } {
    if (record === undefined) return { problem: 'no policy set is active' };
    if (this.#schema === undefined) return { problem: this.#schemaProblem ?? 'no schema' };
    try {
      return {
        engine: PolicyEngine.load(record.policies, record.version, { schema: this.#schema }),
      };
    } catch (error) {
      return {
        problem: `policy set v${record.version} cannot be enforced: ${describeError(error)}`,
      };
    }
  }
}
