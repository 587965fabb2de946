import { digestOf } from '../core/index.js';
import { cedarWasm, describeCedarErrors } from './cedar.js';
import { PolicyError } from './errors.js';

/** A tool as the schema sees it: its action id, groups, resource type and argument schema. */
export interface SchemaTool {
  /** `pack/tool`, the Cedar action id. */
  id: string;
  effect: 'read' | 'write';
  risk: 'low' | 'medium' | 'high' | 'critical';
  /** A Cedar type name such as `Service` (namespaced into `Castellan::`). */
  resourceType: string;
  /** The tool's JSON Schema for its arguments (an object schema). */
  args: Record<string, unknown>;
}

/** How a JSON value is shaped for Cedar: what projection keeps and converts. */
export type ArgShape =
  | { kind: 'String' | 'Long' | 'Boolean' }
  | { kind: 'Set'; element: ArgShape }
  | { kind: 'Record'; attributes: Record<string, { shape: ArgShape; required: boolean }> };

/** A generated Cedar schema with what the engine needs to shape requests to it. */
export interface PolicySchema {
  /** The Cedar JSON schema, namespace `Castellan`. */
  readonly json: Record<string, unknown>;
  /** `sha256:` of the JSON: two engines with the same schema share Cedar's parsed copy. */
  readonly digest: string;
  /** Per action id: the shape of `context.args` and the argument names provenance may name. */
  readonly actions: ReadonlyMap<string, { args: ArgShape & { kind: 'Record' }; names: string[] }>;
}

/** Castellan's own entity types; resource types of packs are added beside them. */
const BUILT_IN_TYPES = ['User', 'Role', 'Agent', 'Pack', 'Environment'];
const EFFECTS = ['read', 'write'];
const RISKS = ['low', 'medium', 'high', 'critical'];
const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,40}$/;
const MAX_DEPTH = 8;

/**
 * JSON Schema → Cedar type. Only what Cedar can hold exactly: strings (and string enums), whole
 * numbers, booleans, arrays of those (sets: order and duplicates are lost), and objects with
 * declared properties. Anything else (`number`, unions, free-form objects) is left out of the
 * schema, so a policy that names it is rejected at validation with Cedar's own message.
 */
export function argShape(schema: unknown, depth = 0): ArgShape | undefined {
  if (depth > MAX_DEPTH || schema === null || typeof schema !== 'object') return undefined;
  const node = schema as Record<string, unknown>;
  switch (node.type) {
    case 'string':
      return { kind: 'String' };
    case 'integer':
      return { kind: 'Long' };
    case 'boolean':
      return { kind: 'Boolean' };
    case 'array': {
      const element = argShape(node.items, depth + 1);
      return element === undefined ? undefined : { kind: 'Set', element };
    }
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      const attributes: Record<string, { shape: ArgShape; required: boolean }> = {};
      for (const [name, property] of Object.entries(properties)) {
        const shape = argShape(property, depth + 1);
        if (shape !== undefined) attributes[name] = { shape, required: required.has(name) };
      }
      return { kind: 'Record', attributes };
    }
    default:
      return undefined;
  }
}

function cedarType(shape: ArgShape, required?: boolean): Record<string, unknown> {
  const optional = required === undefined ? {} : { required };
  switch (shape.kind) {
    case 'Set':
      return { type: 'Set', element: cedarType(shape.element), ...optional };
    case 'Record':
      return {
        type: 'Record',
        attributes: Object.fromEntries(
          Object.entries(shape.attributes).map(([name, attribute]) => [
            name,
            cedarType(attribute.shape, attribute.required),
          ]),
        ),
        ...optional,
      };
    default:
      return { type: shape.kind, ...optional };
  }
}

const set = (element: string) => ({ type: 'Set', element: { type: element } });
const record = (names: string[], type: string) => ({
  type: 'Record',
  attributes: Object.fromEntries(names.map((name) => [name, { type }])),
});

/** The context every tool call carries (see toolCallRequest), with this tool's own args. */
function contextType(
  args: ArgShape & { kind: 'Record' },
  names: string[],
): Record<string, unknown> {
  return {
    type: 'Record',
    attributes: {
      environment: { type: 'String' },
      risk: { type: 'String' },
      effect: { type: 'String' },
      tainted: { type: 'Boolean' },
      pack: { type: 'String' },
      packVersion: { type: 'String' },
      packDigest: { type: 'String' },
      tool: { type: 'String' },
      user: { type: 'Entity', name: 'User' },
      args: cedarType(args),
      destination: { type: 'String' },
      provenance: {
        type: 'Record',
        attributes: Object.fromEntries(names.map((name) => [name, { type: 'String' }])),
      },
      untrustedArgs: set('String'),
      dataClasses: set('String'),
      ownDataClasses: set('String'),
      untrustedDataClasses: set('String'),
      egress: record(
        [
          'runBytes',
          'runRecords',
          'destinationBytes',
          'destinationRecords',
          'callBytes',
          'callRecords',
        ],
        'Long',
      ),
      time: record(['epochSeconds', 'hourUtc', 'weekdayUtc'], 'Long'),
    },
  };
}

/**
 * Generates the Cedar schema from the installed tools: each tool an action in its `effect:` and
 * `risk:` groups, applying to `Agent` principals and its resource type, with its context typed
 * down to its arguments; plus Castellan's entity types (User in Roles, Agent, Role, Pack,
 * Environment). Tool ids and type names come from pack manifests, already checked by the pack
 * loader; they are checked again here since they become schema names.
 */
export function generateSchema(tools: readonly SchemaTool[]): PolicySchema {
  const entityTypes: Record<string, unknown> = {
    User: {
      memberOfTypes: ['Role'],
      shape: { type: 'Record', attributes: { roles: set('String') } },
    },
    Role: {},
    Agent: {
      shape: {
        type: 'Record',
        attributes: { environment: { type: 'String' }, owner: { type: 'Entity', name: 'User' } },
      },
    },
    Pack: {},
    Environment: {},
  };
  const actionsJson: Record<string, unknown> = {};
  for (const group of [...EFFECTS.map((e) => `effect:${e}`), ...RISKS.map((r) => `risk:${r}`)])
    actionsJson[group] = {};
  const actions = new Map<string, { args: ArgShape & { kind: 'Record' }; names: string[] }>();
  for (const tool of mergeVersions(tools)) {
    for (const type of tool.resourceTypes) {
      if (!TYPE_NAME.test(type)) {
        throw new PolicyError(
          'invalid-schema',
          `tool ${tool.id}: "${type}" is not a Cedar type name`,
        );
      }
      if (!BUILT_IN_TYPES.includes(type)) entityTypes[type] ??= {};
    }
    actions.set(tool.id, { args: tool.args, names: tool.names });
    actionsJson[tool.id] = {
      memberOf: [{ id: `effect:${tool.effect}` }, { id: `risk:${tool.risk}` }],
      appliesTo: {
        principalTypes: ['Agent'],
        resourceTypes: tool.resourceTypes,
        context: contextType(tool.args, tool.names),
      },
    };
  }
  const json = { Castellan: { entityTypes, actions: actionsJson } };
  const checked = cedarWasm().checkParseSchema(json as never);
  if (checked.type === 'failure') {
    throw new PolicyError(
      'invalid-schema',
      `the generated schema: ${describeCedarErrors(checked.errors)}`,
    );
  }
  return { json, digest: digestOf(json), actions };
}

interface MergedTool {
  id: string;
  effect: SchemaTool['effect'];
  risk: SchemaTool['risk'];
  resourceTypes: string[];
  args: ArgShape & { kind: 'Record' };
  names: string[];
}

/**
 * One action per tool id, even when several versions of a pack are installed (a folder and a
 * registry version, two admitted versions). With a schema, an action's groups come from the
 * schema rather than the call, so versions that disagree are merged toward the strict side:
 * write if any version writes, the highest risk, every resource type; an argument whose type
 * differs between versions is left out (a policy naming it is refused, never half-right).
 */
function mergeVersions(tools: readonly SchemaTool[]): MergedTool[] {
  const byId = new Map<string, SchemaTool[]>();
  for (const tool of tools) byId.set(tool.id, [...(byId.get(tool.id) ?? []), tool]);
  return [...byId.keys()].sort().map((id) => {
    const versions = byId.get(id) ?? [];
    const shapes = versions.map((tool) => {
      const shape = argShape(tool.args);
      return shape?.kind === 'Record' ? shape : { kind: 'Record' as const, attributes: {} };
    });
    const attributes: Record<string, { shape: ArgShape; required: boolean }> = {};
    const names = new Set<string>();
    for (const tool of versions)
      for (const name of Object.keys((tool.args.properties ?? {}) as object)) names.add(name);
    for (const name of names) {
      const seen = shapes.map((shape) => shape.attributes[name]);
      const first = seen.find((item) => item !== undefined);
      if (first === undefined) continue;
      const same = seen.every(
        (item) => item === undefined || JSON.stringify(item.shape) === JSON.stringify(first.shape),
      );
      if (!same) continue;
      attributes[name] = {
        shape: first.shape,
        required: seen.every((item) => item?.required === true),
      };
    }
    return {
      id,
      effect: versions.some((tool) => tool.effect === 'write') ? 'write' : 'read',
      risk: RISKS[
        Math.max(...versions.map((tool) => RISKS.indexOf(tool.risk)))
      ] as SchemaTool['risk'],
      resourceTypes: [...new Set(versions.map((tool) => tool.resourceType))].sort(),
      args: { kind: 'Record', attributes },
      names: [...names].sort(),
    };
  });
}

/**
 * Shapes a JSON value to a Cedar type: attributes the schema does not declare are dropped (an
 * extra argument would fail the request), values are kept as they are otherwise, so a value of
 * the wrong type fails the decision closed instead of being coerced into something it is not.
 */
export function projectToShape(value: unknown, shape: ArgShape, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (shape.kind === 'Set' && Array.isArray(value))
    return value.map((item) => projectToShape(item, shape.element, depth + 1));
  if (
    shape.kind === 'Record' &&
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value)
  ) {
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [name, attribute] of Object.entries(shape.attributes)) {
      if (Object.hasOwn(source, name))
        result[name] = projectToShape(source[name], attribute.shape, depth + 1);
    }
    return result;
  }
  return value;
}

/**
 * The schema with every action's context cut down to `attributes`: what a request is checked
 * against when the engine sends only the context attributes its policies read (the policies
 * themselves are validated against the whole schema). Undefined when an action's context is not
 * a record written out in the schema, so nothing can be left out.
 */
export function contextLimitedSchema(
  schema: PolicySchema,
  attributes: ReadonlySet<string>,
): PolicySchema | undefined {
  const json = structuredClone(schema.json);
  for (const namespace of Object.values(json)) {
    const actions = (namespace as { actions?: Record<string, unknown> }).actions ?? {};
    for (const action of Object.values(actions)) {
      const appliesTo = (action as { appliesTo?: { context?: unknown } }).appliesTo;
      if (appliesTo === undefined) continue;
      const context = appliesTo.context as
        { type?: unknown; attributes?: Record<string, unknown> } | undefined;
      if (context?.type !== 'Record' || context.attributes === undefined) return undefined;
      context.attributes = Object.fromEntries(
        Object.entries(context.attributes).filter(([name]) => attributes.has(name)),
      );
    }
  }
  return { json, digest: digestOf(json), actions: schema.actions };
}
