import type { Context, Entities } from '@cedar-policy/cedar-wasm/nodejs';
import { describeError, digestOf } from '../core/index.js';
import { cedarWasm, describeCedarErrors } from './cedar.js';
import { engineError, toDecision } from './decision.js';
import { PolicyError } from './errors.js';
import { parsePolicyFiles } from './parse.js';
import type { PolicyDecision, PolicyInfo, PolicyRequest } from './types.js';

/**
 * One loaded, immutable version of the policy set. Loading parses and checks every policy once
 * and hands the set to Cedar's pre-parsed cache, so a decision skips re-parsing the text.
 * Measured (2-core EPYC, a tool call's request): 10 policies 0.12 ms p50 vs 0.86 ms stateless,
 * 100 policies 0.37 ms vs 7.9 ms. About 0.09 ms of each decision is Cedar converting the
 * context and entities from JSON, whatever the size of the set.
 *
 * Schema seam: nothing validates policies or requests against a schema yet. When packs
 * generate one, load() will run Cedar's `validate` and `preparseSchema`, and decide() will pass
 * `preparsedSchemaName` with `validateRequest: true`; the public API need not change.
 */
export class PolicyEngine {
  /** The operator-assigned version, echoed in every decision. */
  readonly version: number;
  /** `sha256:<hex>` over the canonical JSON of the files: what exactly was loaded. */
  readonly digest: string;
  /** Every policy in file order, files sorted by name. */
  readonly policies: readonly PolicyInfo[];
  readonly #byId: ReadonlyMap<string, PolicyInfo>;
  readonly #cacheKey: string;

  private constructor(version: number, digest: string, policies: PolicyInfo[], cacheKey: string) {
    this.version = version;
    this.digest = digest;
    this.policies = policies;
    this.#byId = new Map(policies.map((policy) => [policy.id, policy]));
    this.#cacheKey = cacheKey;
  }

  /** Parses and checks a policy set (file name → Cedar text); throws PolicyError if it is bad. */
  static load(files: Record<string, string>, version: number): PolicyEngine {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new PolicyError(
        'invalid-policy',
        `policy set version must be a whole number >= 0, got ${version}`,
      );
    }
    for (const [file, text] of Object.entries(files)) {
      if (typeof text !== 'string') {
        throw new PolicyError('invalid-policy', `${file}: policy text must be a string`);
      }
    }
    const policies = parsePolicyFiles(files);
    const digest = digestOf(files);
    // The cache lives inside the wasm instance for the life of the process and is keyed by
    // name: the digest keeps two different sets loaded under one version number apart.
    const cacheKey = `castellan/v${version}/${digest}`;
    const staticPolicies = Object.fromEntries(policies.map((policy) => [policy.id, policy.text]));
    const cedar = cedarWasm();
    let answer;
    try {
      answer = cedar.preparsePolicySet(cacheKey, { staticPolicies });
    } catch (cause) {
      throw new PolicyError(
        'engine-unavailable',
        `Cedar could not cache the policy set: ${describeError(cause)}`,
        { cause },
      );
    }
    if (answer.type === 'failure') {
      // Each file parsed on its own, so this is a whole-set problem Cedar found.
      throw new PolicyError(
        'invalid-policy',
        `the policy set as a whole: ${describeCedarErrors(answer.errors)}`,
      );
    }
    return new PolicyEngine(version, digest, policies, cacheKey);
  }

  /** Decides one request. Never throws: anything the engine cannot do is a deny. */
  decide(request: PolicyRequest): PolicyDecision {
    try {
      const answer = cedarWasm().statefulIsAuthorized({
        principal: request.principal,
        action: request.action,
        resource: request.resource,
        // Shapes match Cedar's JSON forms; values Cedar cannot hold come back as a failure.
        context: request.context as Context,
        entities: request.entities as Entities,
        preparsedPolicySetId: this.#cacheKey,
      });
      return toDecision(answer, this.#byId, this.version);
    } catch (error) {
      // The wasm bindings throw on inputs they cannot deserialise (a missing field, say).
      return engineError(this.version, [], describeError(error));
    }
  }
}
