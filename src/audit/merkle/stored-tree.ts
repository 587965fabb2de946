import type { AuditTreeRepository } from '../../store/index.js';
import { AuditError } from '../errors.js';
import { emptyRoot, type Hash } from './hashes.js';
import {
  consistencyPath,
  inclusionPath,
  nodesNeeded,
  rootOf,
  type NodeKey,
  type NodeSource,
} from './tree-math.js';

// Keys per query when fetching many proofs' nodes at once.
const FETCH_CHUNK = 250;

/**
 * The Merkle tree as the store keeps it: roots and proofs at any size from stored complete
 * subtrees, in one query each (a proof at a million leaves reads about 40 nodes). Each answer
 * is computed twice: once to learn which nodes it needs, once with them.
 */
export class StoredTree {
  constructor(
    private readonly tree: Pick<AuditTreeRepository, 'nodes'>,
    private readonly orgId: string,
  ) {}

  /** The root hash of the first `size` leaves. */
  async root(size: number): Promise<Hash> {
    if (size === 0) return emptyRoot();
    return this.compute((source) => rootOf(source, size));
  }

  /** The inclusion path of leaf `index` in the tree of `size` leaves. */
  async inclusion(index: number, size: number): Promise<Hash[]> {
    return this.compute((source) => inclusionPath(source, index, size));
  }

  /** The consistency path from the tree of `first` leaves to the tree of `second`. */
  async consistency(first: number, second: number): Promise<Hash[]> {
    if (first === 0 || first === second) return [];
    return this.compute((source) => consistencyPath(source, first, second));
  }

  /** Inclusion paths of many leaves in the tree of `size`, fetching their nodes together. */
  async inclusions(indices: readonly number[], size: number): Promise<Hash[][]> {
    const works = indices.map(
      (index) => (source: NodeSource) => inclusionPath(source, index, size),
    );
    const keys = new Map<string, NodeKey>();
    for (const work of works)
      for (const key of nodesNeeded(work)) keys.set(`${key.level}/${key.index}`, key);
    const all = [...keys.values()];
    const nodes = new Map<string, Hash>();
    for (let start = 0; start < all.length; start += FETCH_CHUNK) {
      for (const [key, hash] of await this.fetch(all.slice(start, start + FETCH_CHUNK)))
        nodes.set(key, hash);
    }
    return works.map((work) => work(this.sourceOf(nodes)));
  }

  /** Runs `work` against nodes fetched in one query; throws when the tree lacks one. */
  async compute<T>(work: (source: NodeSource) => T): Promise<T> {
    const keys = nodesNeeded(work);
    const nodes = await this.fetch(keys);
    return work(this.sourceOf(nodes));
  }

  private sourceOf(nodes: Map<string, Hash>): NodeSource {
    return (level, index) => {
      const hash = nodes.get(`${level}/${index}`);
      if (hash === undefined) {
        throw new AuditError(
          'tree-incomplete',
          `the audit tree has no node at level ${level}, index ${index}`,
        );
      }
      return hash;
    };
  }

  private async fetch(keys: NodeKey[]): Promise<Map<string, Hash>> {
    const found = await this.tree.nodes(this.orgId, keys);
    return new Map(found.map((node) => [`${node.level}/${node.index}`, node.hash]));
  }
}
