/** A Cedar entity uid: `{ type: 'Castellan::Agent', id: 'itops-agent' }`. */
export interface EntityRef {
  type: string;
  id: string;
}

/**
 * One entity in a request's entity store. `attrs` hold JSON values; an entity reference inside
 * them is written `{ __entity: { type, id } }` (Cedar's JSON form). Cedar has no null and no
 * floating-point numbers: either one fails the decision closed with 'engine-error'.
 */
export interface PolicyEntity {
  uid: EntityRef;
  attrs: Record<string, unknown>;
  parents: EntityRef[];
}

/** Everything Cedar needs to decide one request. */
export interface PolicyRequest {
  principal: EntityRef;
  action: EntityRef;
  resource: EntityRef;
  /** JSON values; entity references as `{ __entity: { type, id } }`. */
  context: Record<string, unknown>;
  entities: PolicyEntity[];
}

/** The approval a permit policy asks for through `@approval("role")` and `@quorum("N")`. */
export interface ApprovalRule {
  role: string;
  quorum: number;
}

/**
 * The verdict on one request. `policyIds` are the `@id`s of the policies that decided (sorted);
 * `reasons` start with a stable code: `default-deny:`, `forbidden:`, `engine-error:`,
 * `approval-required:`.
 */
export type PolicyDecision =
  | { effect: 'allow'; policyIds: string[]; policyVersion: number; allowedData?: string[] }
  | { effect: 'deny'; policyIds: string[]; policyVersion: number; reasons: string[] }
  | {
      effect: 'needs-approval';
      policyIds: string[];
      policyVersion: number;
      approval: ApprovalRule;
      reasons: string[];
      allowedData?: string[];
    };

/** What the engine knows about one loaded policy, for listings and audit. */
export interface PolicyInfo {
  id: string;
  file: string;
  /** 1-based line of the policy's first annotation in its file. */
  line: number;
  effect: 'permit' | 'forbid';
  approval: ApprovalRule | undefined;
  /** Data classes a permit lets leave toward external destinations (`@allowData("email")`). */
  allowData?: string[];
  /** The policy's own Cedar text, as written. */
  text: string;
}
