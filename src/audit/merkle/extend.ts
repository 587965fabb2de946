import type { TreeNodeRecord } from '../../store/index.js';
import { nodeHash, type Hash } from './hashes.js';
import { frontierKeys, type NodeKey } from './tree-math.js';

/** The stored nodes that appending after `size` leaves builds on (the right edge's subtrees). */
export function frontierFor(size: number): NodeKey[] {
  return frontierKeys(size);
}

/**
 * The complete subtrees that appending `leaves` at index `first` completes: each leaf, then
 * each parent whose right child just arrived. `known` must hold the frontier of `first`
 * leaves; it is extended in place, so batches can chain.
 */
export function extendTree(
  known: Map<string, Hash>,
  first: number,
  leaves: readonly Hash[],
): TreeNodeRecord[] {
  const created: TreeNodeRecord[] = [];
  leaves.forEach((leaf, offset) => {
    let index = first + offset;
    let level = 0;
    let hash: Hash = leaf;
    created.push({ level, index, hash });
    known.set(`${level}/${index}`, hash);
    while (index % 2 === 1) {
      const left = known.get(`${level}/${index - 1}`);
      if (left === undefined) throw new Error(`tree frontier lacks node ${level}/${index - 1}`);
      hash = nodeHash(left, hash);
      level += 1;
      index = (index - 1) / 2;
      created.push({ level, index, hash });
      known.set(`${level}/${index}`, hash);
    }
  });
  return created;
}
