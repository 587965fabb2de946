/**
 * What of a request a policy set can read, found once per loaded set from Cedar's JSON form of
 * each policy, so that a decision sends Cedar only that: converting the context and entities
 * from JSON was most of a decision's cost, and most of the context is there for policies an
 * operator might write, not for the ones loaded.
 *
 * Dropping something a policy reads could change a decision silently (Cedar answers `false` for
 * `in` and `has` on an entity missing from the store), so anything this walk does not recognise
 * keeps the whole context and every entity.
 */

/** What the policies of one set read of a request. */
export interface RequestNeeds {
  /** The context attributes read; undefined when the context is used whole (or unknown). */
  contextAttributes: ReadonlySet<string> | undefined;
  /** A policy looks into the entity store beyond the action's groups (`principal.owner`, say). */
  entityStore: boolean;
  /**
   * Paths into the context whose value a policy looks into (`context.user.roles` reads the
   * store if `context.user` is an entity reference; `context.egress.callBytes` does not).
   */
  dereferencedContextPaths: ReadonlyArray<readonly string[]>;
}

/** Everything: the answer for a set that cannot be analysed. */
export const NEEDS_EVERYTHING: RequestNeeds = {
  contextAttributes: undefined,
  entityStore: true,
  dereferencedContextPaths: [],
};

type Json = unknown;

// Operators whose operands are plain expressions and which read no entity.
const UNARY = new Set(['!', 'neg', 'isEmpty']);
const BINARY = new Set([
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  'contains',
  'containsAll',
  'containsAny',
]);

class Unrecognised extends Error {}

/** Collects what a set of policies (Cedar's JSON form, one per policy) reads of a request. */
export function requestNeeds(policies: readonly Json[]): RequestNeeds {
  const walk = new NeedsWalk();
  try {
    for (const policy of policies) walk.policy(policy);
  } catch (error) {
    if (error instanceof Unrecognised) return NEEDS_EVERYTHING;
    throw error;
  }
  return {
    contextAttributes: walk.wholeContext ? undefined : walk.attributes,
    entityStore: walk.entityStore,
    dereferencedContextPaths: walk.paths,
  };
}

class NeedsWalk {
  readonly attributes = new Set<string>();
  readonly paths: string[][] = [];
  wholeContext = false;
  entityStore = false;

  policy(policy: Json): void {
    const { principal, resource, conditions } = asRecord(policy);
    // The action scope needs only the action's groups, which the request always carries.
    for (const scope of [principal, resource]) {
      const op = asRecord(scope).op;
      if (op === 'in' || (op === 'is' && asRecord(scope).in !== undefined)) this.entityStore = true;
      else if (op !== 'All' && op !== '==' && op !== 'is') throw new Unrecognised();
    }
    if (!Array.isArray(conditions)) throw new Unrecognised();
    for (const condition of conditions) this.expression(asRecord(condition).body);
  }

  expression(node: Json): void {
    const record = asRecord(node);
    const keys = Object.keys(record);
    if (keys.length !== 1) throw new Unrecognised();
    const op = keys[0] as string;
    const operand = record[op];
    if (op === 'Value') return;
    if (op === 'Var') {
      // Reached only where the context is not read attribute by attribute.
      if (operand === 'context') this.wholeContext = true;
      return;
    }
    if (UNARY.has(op)) return this.expression(asRecord(operand).arg);
    if (BINARY.has(op)) {
      const { left, right } = asRecord(operand);
      this.expression(left);
      return this.expression(right);
    }
    switch (op) {
      case '.':
      case 'has':
        return this.attributeAccess(asRecord(operand));
      case 'in': {
        const { left, right } = asRecord(operand);
        if (!isVar(left, 'action')) this.dereference(left);
        this.expression(left);
        return this.expression(right);
      }
      case 'getTag':
      case 'hasTag': {
        const { left, right } = asRecord(operand);
        this.dereference(left);
        this.expression(left);
        return this.expression(right);
      }
      case 'like':
        return this.expression(asRecord(operand).left);
      case 'is': {
        const { left, in: within } = asRecord(operand);
        if (within !== undefined) {
          this.dereference(left);
          this.expression(within);
        }
        return this.expression(left);
      }
      case 'if-then-else': {
        const branches = asRecord(operand);
        for (const key of ['if', 'then', 'else']) this.expression(branches[key]);
        return;
      }
      case 'Set':
        if (!Array.isArray(operand)) throw new Unrecognised();
        for (const item of operand) this.expression(item);
        return;
      case 'Record':
        for (const item of Object.values(asRecord(operand))) this.expression(item);
        return;
    }
    // An extension function call (`ip("...")`, `decimal(...)`): its arguments in an array.
    // Extension functions take values, never entities.
    if (Array.isArray(operand)) {
      for (const item of operand) this.expression(item);
      return;
    }
    throw new Unrecognised();
  }

  // `left.attr`, or `left has a.b.c` (a path: left has a && left.a has b && ...).
  attributeAccess(operand: Record<string, Json>): void {
    const { left, attr } = operand;
    const path = typeof attr === 'string' ? [attr] : attr;
    if (
      !Array.isArray(path) ||
      path.length === 0 ||
      !path.every((name) => typeof name === 'string')
    )
      throw new Unrecognised();
    this.dereference(left);
    const chain = contextPath(left);
    if (isVar(left, 'context')) this.attributes.add(path[0] as string);
    else this.expression(left);
    // The inner steps of a `has` path look into each value on the way.
    for (let length = 1; length < path.length; length += 1) {
      if (chain === undefined) this.entityStore = true;
      else this.paths.push([...chain, ...(path.slice(0, length) as string[])]);
    }
  }

  // Looking into `node`: the store is needed unless node is the context itself or a value in it
  // (whose kind decide() checks per request).
  dereference(node: Json): void {
    const chain = contextPath(node);
    if (chain === undefined) this.entityStore = true;
    else if (chain.length > 0) this.paths.push(chain);
  }
}

/** `context.a.b` as ['a', 'b']; `context` as []; anything else undefined. */
function contextPath(node: Json): string[] | undefined {
  if (isVar(node, 'context')) return [];
  const access = asRecord(node)['.'];
  if (access === undefined) return undefined;
  const { left, attr } = asRecord(access);
  if (typeof attr !== 'string') return undefined;
  const inner = contextPath(left);
  return inner === undefined ? undefined : [...inner, attr];
}

function isVar(node: Json, name: string): boolean {
  return asRecord(node).Var === name;
}

function asRecord(value: Json): Record<string, Json> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Unrecognised();
  return value as Record<string, Json>;
}

/**
 * Whether deciding `context` under these needs must send the entity store: some policy reads
 * the store, or looks into a context value that is an entity reference (or into a value this
 * check cannot see through).
 */
export function needsEntityStore(needs: RequestNeeds, context: Record<string, unknown>): boolean {
  if (needs.entityStore) return true;
  return needs.dereferencedContextPaths.some((path) => {
    let value: unknown = context;
    for (const name of path) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      // An entity reference or extension value on the way: Cedar would look it up.
      if (Object.hasOwn(value, '__entity') || Object.hasOwn(value, '__extn')) return true;
      value = (value as Record<string, unknown>)[name];
    }
    return value !== null && typeof value === 'object' && Object.hasOwn(value, '__entity');
  });
}
