import { describe, expect, it } from 'vitest';
import { PolicyEngine } from './engine.js';
import { PolicyError } from './errors.js';
import { contextLimitedSchema, generateSchema, type SchemaTool } from './schema.js';
import { SchemaFit } from './schema-fit.js';
import { STARTER_POLICIES } from './starter.js';
import { toolCallRequest, type ToolCallInput } from './tool-call.js';

const restart: SchemaTool = {
  id: '@castellan/itops/restart-service',
  effect: 'write',
  risk: 'medium',
  resourceType: 'Service',
  args: {
    type: 'object',
    properties: {
      service: { type: 'string', maxLength: 40 },
      graceSeconds: { type: 'integer' },
      ratio: { type: 'number' },
      tags: { type: 'array', items: { type: 'string' } },
      options: { type: 'object', properties: { force: { type: 'boolean' } } },
    },
    required: ['service'],
    additionalProperties: false,
  },
};
const status: SchemaTool = {
  id: '@castellan/itops/fleet-status',
  effect: 'read',
  risk: 'low',
  resourceType: 'Fleet',
  args: { type: 'object', properties: {} },
};
const schema = generateSchema([restart, status]);

function input(overrides: Partial<ToolCallInput> = {}): ToolCallInput {
  return {
    agent: { id: 'itops-agent', owner: 'alice', environment: 'dev' },
    user: { id: 'bob', roles: ['operator'] },
    tool: { id: restart.id, effect: 'write', risk: 'medium' },
    pack: { name: '@castellan/itops', version: '1.0.0', digest: 'sha256:00' },
    resource: { type: 'Service', id: 'web-1' },
    environment: 'dev',
    tainted: false,
    args: { service: 'web-1' },
    destination: 'internal',
    ...overrides,
  };
}

function refusal(files: Record<string, string>): string {
  try {
    PolicyEngine.load(files, 1, { schema });
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).message;
  }
  throw new Error('the policy set loaded');
}

describe('the schema generated from installed packs', () => {
  it('makes each tool an action in its groups, with its resource type and typed arguments', () => {
    const json = schema.json as {
      Castellan: { entityTypes: Record<string, unknown>; actions: Record<string, any> };
    };
    expect(Object.keys(json.Castellan.entityTypes).sort()).toEqual([
      'Agent',
      'Environment',
      'Fleet',
      'Pack',
      'Role',
      'Service',
      'User',
    ]);
    const action = json.Castellan.actions[restart.id];
    expect(action.memberOf).toEqual([{ id: 'effect:write' }, { id: 'risk:medium' }]);
    expect(action.appliesTo.resourceTypes).toEqual(['Service']);
    expect(action.appliesTo.context.attributes.args).toEqual({
      type: 'Record',
      attributes: {
        service: { type: 'String', required: true },
        graceSeconds: { type: 'Long', required: false },
        tags: { type: 'Set', element: { type: 'String' }, required: false },
        options: {
          type: 'Record',
          attributes: { force: { type: 'Boolean', required: false } },
          required: false,
        },
      },
    });
    expect(schema.digest).toBe(generateSchema([status, restart]).digest);
  });

  it('validates the starter policies', () => {
    const engine = PolicyEngine.load(STARTER_POLICIES, 1, { schema });
    expect(engine.schemaDigest).toBe(schema.digest);
  });

  it("refuses a policy that names an unknown attribute, with Cedar's message and the place", () => {
    const message = refusal({
      'ops.cedar': `@id("ok") permit (principal, action, resource);
@id("typo") permit (principal, action == Castellan::Action::"@castellan/itops/restart-service", resource)
when { context.args.servce == "web-1" };`,
    });
    expect(message).toContain('ops.cedar:2 @id("typo")');
    expect(message).toMatch(/attribute `args.servce` in context .* not found/);
    expect(message).toContain('did you mean `service`?');
  });

  it('refuses an unknown action, an unknown entity type and an argument Cedar cannot hold', () => {
    expect(
      refusal({
        'a.cedar': '@id("a") permit (principal, action == Castellan::Action::"nope", resource);',
      }),
    ).toMatch(/unrecognized action/);
    expect(
      refusal({ 'a.cedar': '@id("a") permit (principal is Castellan::Robot, action, resource);' }),
    ).toMatch(/Robot/);
    expect(
      refusal({
        'a.cedar': `@id("a") permit (principal, action == Castellan::Action::"@castellan/itops/restart-service", resource) when { context.args.ratio == "0.5" };`,
      }),
    ).toMatch(/args.ratio/);
  });

  it('decides requests checked against the schema, dropping undeclared arguments', () => {
    const engine = PolicyEngine.load(
      {
        'a.cedar': `@id("web-only") permit (principal, action == Castellan::Action::"@castellan/itops/restart-service", resource)
when { context.args.service == "web-1" && context.provenance.service == "prompt" };`,
      },
      4,
      { schema },
    );
    const request = toolCallRequest(
      input({
        args: { service: 'web-1', ratio: 0.5, extra: 'x' },
        provenance: { service: 'prompt', extra: 'untrusted' },
      }),
    );
    expect(engine.decide(request)).toEqual({
      effect: 'allow',
      policyIds: ['web-only'],
      policyVersion: 4,
    });
  });

  it('denies a request that does not fit the schema: a missing attribute or an unknown tool', () => {
    const engine = PolicyEngine.load(
      { 'a.cedar': '@id("all") permit (principal, action, resource);' },
      1,
      {
        schema,
      },
    );
    const { tainted: _gone, ...context } = toolCallRequest(input()).context;
    const missing = engine.decide({ ...toolCallRequest(input()), context });
    expect(missing.effect).toBe('deny');
    if (missing.effect === 'deny') expect(missing.reasons[0]).toMatch(/^engine-error: .*tainted/);
    const unknown = engine.decide(
      toolCallRequest(input({ tool: { id: '@evil/pack/new-tool', effect: 'read', risk: 'low' } })),
    );
    expect(unknown.effect).toBe('deny');
    if (unknown.effect === 'deny') expect(unknown.reasons[0]).toMatch(/^engine-error: /);
    // A value of the wrong type is not coerced: it fails the request closed.
    const wrongType = engine.decide(toolCallRequest(input({ args: { service: 42 } })));
    expect(wrongType.effect).toBe('deny');
  });

  it('refuses packs whose resource type is not a Cedar name', () => {
    expect(() => generateSchema([{ ...status, resourceType: 'bad type' }])).toThrow(
      /Cedar type name/,
    );
  });

  it('merges versions of one tool toward the strict side', () => {
    const older: SchemaTool = {
      ...restart,
      effect: 'read',
      risk: 'critical',
      resourceType: 'Host',
      args: {
        type: 'object',
        properties: { service: { type: 'integer' }, note: { type: 'string' } },
      },
    };
    const merged = generateSchema([restart, older]).json as {
      Castellan: { actions: Record<string, any> };
    };
    const action = merged.Castellan.actions[restart.id];
    expect(action.memberOf).toEqual([{ id: 'effect:write' }, { id: 'risk:critical' }]);
    expect(action.appliesTo.resourceTypes).toEqual(['Host', 'Service']);
    // `service` differs in type between the versions: left out; `note` is in one only: optional.
    expect(Object.keys(action.appliesTo.context.attributes.args.attributes)).not.toContain(
      'service',
    );
    expect(action.appliesTo.context.attributes.args.attributes.note).toEqual({
      type: 'String',
      required: false,
    });
  });
});

const fit = new SchemaFit(schema.json);

// A call as the engine shapes it for the schema: a provenance for every declared argument.
function shaped(overrides: Partial<ToolCallInput> = {}): ToolCallInput {
  const names = ['service', 'graceSeconds', 'ratio', 'tags', 'options'];
  return input({
    provenance: Object.fromEntries(names.map((name) => [name, 'planner'])),
    ...overrides,
  });
}

describe('SchemaFit', () => {
  it('accepts a tool call request as the gate builds it, context and entities', () => {
    const request = toolCallRequest(shaped());
    expect(fit.contextFits(request, new Set())).toBe(true);
    for (const entity of request.entities.filter((item) => item.uid.type !== 'Castellan::Action'))
      expect(fit.entityFits(entity)).toBe(true);
  });

  it('refuses a context value of another type, an undeclared or a missing attribute', () => {
    const request = toolCallRequest(shaped());
    const wrong = { ...request, context: { ...request.context, args: { service: 42 } } };
    expect(fit.contextFits(wrong, new Set())).toBe(false);
    expect(fit.contextFits(wrong, new Set(['args']))).toBe(true);
    const extra = { ...request, context: { ...request.context, note: 'x' } };
    expect(fit.contextFits(extra, new Set())).toBe(false);
    const { tainted: _gone, ...rest } = request.context;
    expect(fit.contextFits({ ...request, context: rest }, new Set())).toBe(false);
    expect(fit.contextFits({ ...request, context: rest }, new Set(['tainted']))).toBe(true);
  });

  it('refuses an entity of an undeclared type, with odd attributes or parents', () => {
    const user = { type: 'Castellan::User', id: 'bob' };
    const role = { type: 'Castellan::Role', id: 'operator' };
    expect(fit.entityFits({ uid: user, attrs: { roles: ['operator'] }, parents: [role] })).toBe(
      true,
    );
    expect(fit.entityFits({ uid: user, attrs: { roles: 'operator' }, parents: [role] })).toBe(
      false,
    );
    expect(fit.entityFits({ uid: user, attrs: { roles: [] }, parents: [user] })).toBe(false);
    expect(
      fit.entityFits({ uid: { type: 'Castellan::Ghost', id: 'x' }, attrs: {}, parents: [] }),
    ).toBe(false);
  });
});

describe('deciding against the schema cut to what the policies read', () => {
  it('cuts every action context to the named attributes and nothing else', () => {
    const cut = contextLimitedSchema(schema, new Set(['tainted']));
    const actions = (cut?.json.Castellan as { actions: Record<string, any> }).actions;
    expect(Object.keys(actions[restart.id].appliesTo.context.attributes)).toEqual(['tainted']);
    expect(cut?.digest).not.toBe(schema.digest);
  });

  it('decides as on the whole request, and still denies a request that does not fit', () => {
    const engine = PolicyEngine.load(
      {
        'a.cedar': `@id("all") permit (principal, action, resource);
          @id("no-taint") forbid (principal, action, resource) when { context.tainted };`,
      },
      1,
      { schema },
    );
    expect(engine.decide(toolCallRequest(shaped())).effect).toBe('allow');
    expect(engine.decide(toolCallRequest(shaped({ tainted: true })))).toMatchObject({
      effect: 'deny',
      policyIds: ['no-taint'],
    });
    const unfit = engine.decide(
      toolCallRequest(shaped({ args: { service: 'web-1', graceSeconds: 'ten' } })),
    );
    expect(unfit.effect).toBe('deny');
    if (unfit.effect === 'deny') expect(unfit.reasons[0]).toMatch(/^engine-error: /);
    const wrongOwner = toolCallRequest(shaped());
    wrongOwner.entities = wrongOwner.entities.map((entity) =>
      entity.uid.type === 'Castellan::Agent'
        ? { ...entity, attrs: { ...entity.attrs, owner: 'alice' } }
        : entity,
    );
    expect(engine.decide(wrongOwner).effect).toBe('deny');
  });
});
