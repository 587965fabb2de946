import type { PolicyEntity, PolicyRequest } from './types.js';

/**
 * Checks, in JavaScript, the part of a request the engine leaves out of what Cedar sees: with a
 * schema, Cedar checks every request against it and a request that does not fit denies, and
 * that must stay true of the attributes and entities no policy reads. Only the types the schema
 * generator writes are known here (String, Long, Boolean, Set, Record, Entity); anything else
 * answers false, and the engine then sends the whole request for Cedar to judge.
 */
export class SchemaFit {
  readonly #json: Record<string, unknown>;

  constructor(json: Record<string, unknown>) {
    this.#json = json;
  }

  /**
   * Whether the context attributes outside `kept` fit the action's declared context: each is
   * declared with a value of its type, and each declared one that is required is there.
   */
  contextFits(request: PolicyRequest, kept: ReadonlySet<string>): boolean {
    const [namespace, type] = splitName(request.action.type);
    if (type !== 'Action') return false;
    const actions = record(record(this.#json[namespace])?.actions);
    const context = record(record(record(actions?.[request.action.id])?.appliesTo)?.context);
    const declared = record(context?.attributes);
    if (context?.type !== 'Record' || declared === undefined) return false;
    for (const [name, value] of Object.entries(request.context)) {
      if (kept.has(name) || value === undefined) continue;
      if (!Object.hasOwn(declared, name) || !this.#fits(value, declared[name], namespace, 0))
        return false;
    }
    return Object.entries(declared).every(
      ([name, attribute]) =>
        kept.has(name) ||
        record(attribute)?.required === false ||
        request.context[name] !== undefined,
    );
  }

  /** Whether an entity fits its declared type: its attributes' shape and its parents' types. */
  entityFits(entity: PolicyEntity): boolean {
    const [namespace, type] = splitName(entity.uid.type);
    const declared = record(record(record(this.#json[namespace])?.entityTypes)?.[type]);
    if (declared === undefined) return false;
    const memberOf = Array.isArray(declared.memberOfTypes) ? declared.memberOfTypes : [];
    const parentsFit = entity.parents.every((parent) => {
      const [parentNamespace, parentType] = splitName(parent.type);
      return parentNamespace === namespace && memberOf.includes(parentType);
    });
    const shape = declared.shape ?? { type: 'Record', attributes: {} };
    return parentsFit && this.#fits(entity.attrs, shape, namespace, 0);
  }

  #fits(value: unknown, type: unknown, namespace: string, depth: number): boolean {
    const declared = record(type);
    if (declared === undefined || depth > 32) return false;
    switch (declared.type) {
      case 'String':
        return typeof value === 'string';
      case 'Long':
        return Number.isSafeInteger(value);
      case 'Boolean':
        return typeof value === 'boolean';
      case 'Set':
        return (
          Array.isArray(value) &&
          value.every((item) => this.#fits(item, declared.element, namespace, depth + 1))
        );
      case 'Entity': {
        const reference = record(record(value)?.__entity);
        if (reference === undefined || Object.keys(value as object).length !== 1) return false;
        return (
          typeof reference.id === 'string' && reference.type === `${namespace}::${declared.name}`
        );
      }
      case 'Record':
        return this.#recordFits(value, record(declared.attributes), namespace, depth);
      default:
        return false;
    }
  }

  #recordFits(
    value: unknown,
    attributes: Record<string, unknown> | undefined,
    namespace: string,
    depth: number,
  ): boolean {
    const given = record(value);
    if (given === undefined || attributes === undefined || Object.hasOwn(given, '__entity'))
      return false;
    for (const [name, item] of Object.entries(given)) {
      if (item === undefined) continue;
      if (!Object.hasOwn(attributes, name)) return false;
      if (!this.#fits(item, attributes[name], namespace, depth + 1)) return false;
    }
    return Object.entries(attributes).every(
      ([name, attribute]) => record(attribute)?.required === false || given[name] !== undefined,
    );
  }
}

function splitName(name: string): [string, string] {
  const at = name.lastIndexOf('::');
  return at < 0 ? ['', name] : [name.slice(0, at), name.slice(at + 2)];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
