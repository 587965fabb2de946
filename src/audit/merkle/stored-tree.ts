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

// Indexes closer than this share one range scan (reading a few unneeded nodes is cheaper).
const RUN_GAP = 32;

/** Sorted indexes as [from, to] runs, merging gaps up to RUN_GAP. */
function runs(indexes: number[]): Array<[number, number]> {
  const sorted = [...new Set(indexes)].sort((left, right) => left - right);
  const result: Array<[number, number]> = [];
  for (const index of sorted) {
    const last = result[result.length - 1];
    if (last !== undefined && index - last[1] <= RUN_GAP) last[1] = index;
    else result.push([index, index]);
  }
  return result;
}

/**
 * The Merkle tree as the store keeps it: roots and proofs at any size from stored complete
 * subtrees, in one query each (a proof at a million leaves reads about 40 nodes). Each answer
 * is computed twice: once to learn which nodes it needs, once with them.
 */
export class StoredTree {
  constructor(
    private readonly tree: Pick<AuditTreeRepository, 'nodes' | 'nodeRange'>,
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

  /**
   * Inclusion paths of many leaves in the tree of `size` (an export's page): their nodes are
   * read as a few range scans per level rather than key by key.
   */
  async inclusions(indices: readonly number[], size: number): Promise<Hash[][]> {
    const works = indices.map(
      (index) => (source: NodeSource) => inclusionPath(source, index, size),
    );
    const byLevel = new Map<number, number[]>();
    for (const work of works) {
      for (const key of nodesNeeded(work)) {
        const list = byLevel.get(key.level) ?? [];
        list.push(key.index);
        byLevel.set(key.level, list);
      }
    }
    const nodes = new Map<string, Hash>();
    for (const [level, indexes] of byLevel) {
      for (const [from, to] of runs(indexes)) {
        for (const node of await this.tree.nodeRange(this.orgId, level, from, to)) {
          nodes.set(`${node.level}/${node.index}`, node.hash);
        }
      }
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
