import type { EntityRef, PolicyEntity, PolicyRequest } from './types.js';
import { toCedarValue } from './cedar-value.js';

/** The facts about one proposed tool call that the standard policies look at. */
export interface ToolCallInput {
  agent: { id: string; owner: string; environment: string };
  user: { id: string; roles: string[] };
  /** `id` is the full `pack/tool` name, e.g. `@castellan/itops/restart-service`. */
  tool: { id: string; effect: 'read' | 'write'; risk: 'low' | 'medium' | 'high' | 'critical' };
  pack: { name: string; version: string; digest: string };
  /** A Cedar type name such as `Service` (namespaced into `Castellan::`) and the resource id. */
  resource: { type: string; id: string };
  environment: string;
  /** Has untrusted content entered what the planner sees in this run? */
  tainted: boolean;
  /** The call's arguments, already checked against the tool's schema but still model output. */
  args: Record<string, unknown>;
  /** Whether the tool sends to the organisation's own systems or outside; default external. */
  destination?: 'internal' | 'external';
  /** Where each top-level argument came from (computed by the runtime, never by the model). */
  provenance?: Record<string, string>;
  /** Data classes the guard found in the arguments (placeholders counted as what they hide). */
  dataClasses?: string[];
  /** Classes of values first seen in the prompt or a trusted tool: the organisation's own data. */
  ownDataClasses?: string[];
  /** Classes of values that first appeared in untrusted content. */
  untrustedDataClasses?: string[];
  /** Bytes and records the run has sent so far, in all and to this destination, and this call's. */
  egress?: EgressContext;
  /** When the call is decided (ISO 8601); recorded, so a replay decides with the same time. */
  time?: string;
}

/** The egress figures a policy can compare against. */
export interface EgressContext {
  runBytes: number;
  runRecords: number;
  destinationBytes: number;
  destinationRecords: number;
  callBytes: number;
  callRecords: number;
}

const NO_EGRESS: EgressContext = {
  runBytes: 0,
  runRecords: 0,
  destinationBytes: 0,
  destinationRecords: 0,
  callBytes: 0,
  callRecords: 0,
};

const namespace = 'Castellan';

/** A `Castellan::<type>` entity reference. */
export function castellanRef(type: string, id: string): EntityRef {
  return { type: `${namespace}::${type}`, id };
}

/**
 * Builds the policy request for a tool call: the agent as principal, the tool as an action in
 * the `effect:<read|write>` and `risk:<level>` action groups, the user (in their roles) in the
 * context as `context.user`, and the arguments made safe for Cedar (see toCedarValue).
 */
export function toolCallRequest(input: ToolCallInput): PolicyRequest {
  const principal = castellanRef('Agent', input.agent.id);
  const action = castellanRef('Action', input.tool.id);
  const resourceType = input.resource.type.startsWith(`${namespace}::`)
    ? input.resource.type
    : `${namespace}::${input.resource.type}`;
  const resource = { type: resourceType, id: input.resource.id };
  const user = castellanRef('User', input.user.id);
  const entities: PolicyEntity[] = [
    {
      uid: principal,
      attrs: {
        environment: input.agent.environment,
        owner: { __entity: castellanRef('User', input.agent.owner) },
      },
      parents: [],
    },
    {
      uid: user,
      attrs: { roles: [...input.user.roles] },
      parents: input.user.roles.map((role) => castellanRef('Role', role)),
    },
    // Without a schema, Cedar learns an action's groups only from the entity store: the tool's
    // action entity must carry its group parents here for `action in ...` to hold.
    {
      uid: action,
      attrs: {},
      parents: [
        castellanRef('Action', `effect:${input.tool.effect}`),
        castellanRef('Action', `risk:${input.tool.risk}`),
      ],
    },
  ];
  // A resource that is itself the agent or the user (a tool acting on its own caller) is
  // already in the store; a second entry with the same uid would fail the decision.
  if (!entities.some((entity) => sameRef(entity.uid, resource))) {
    entities.push({ uid: resource, attrs: {}, parents: [] });
  }
  const context = {
    environment: input.environment,
    risk: input.tool.risk,
    effect: input.tool.effect,
    tainted: input.tainted,
    pack: input.pack.name,
    packVersion: input.pack.version,
    packDigest: input.pack.digest,
    tool: input.tool.id,
    user: { __entity: user },
    args: toCedarValue(input.args) ?? {},
    destination: input.destination ?? 'external',
    provenance: { ...(input.provenance ?? {}) },
    untrustedArgs: Object.entries(input.provenance ?? {})
      .filter(([, source]) => source === 'untrusted')
      .map(([name]) => name)
      .sort(),
    dataClasses: [...(input.dataClasses ?? [])].sort(),
    ownDataClasses: [...(input.ownDataClasses ?? [])].sort(),
    untrustedDataClasses: [...(input.untrustedDataClasses ?? [])].sort(),
    egress: { ...NO_EGRESS, ...(input.egress ?? {}) },
    time: timeContext(input.time),
  };
  return { principal, action, resource, context, entities };
}

/**
 * The decision time as whole numbers a policy can compare (`context.time.hourUtc < 18`); a
 * missing or unreadable time is the epoch, so a time-based permit does not match by accident.
 */
function timeContext(iso: string | undefined): {
  epochSeconds: number;
  hourUtc: number;
  weekdayUtc: number;
} {
  const at = new Date(iso ?? 0);
  const valid = Number.isFinite(at.getTime()) ? at : new Date(0);
  return {
    epochSeconds: Math.floor(valid.getTime() / 1000),
    hourUtc: valid.getUTCHours(),
    weekdayUtc: valid.getUTCDay(),
  };
}

function sameRef(left: EntityRef, right: EntityRef): boolean {
  return left.type === right.type && left.id === right.id;
}
