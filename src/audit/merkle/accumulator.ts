import { emptyRoot, nodeHash, type Hash } from './hashes.js';

/**
 * Builds the tree's root incrementally, one leaf at a time, keeping only the complete
 * subtrees on the right edge (at most log2(n) hashes): the verifier's way of recomputing roots
 * at every checkpoint size in one pass over millions of entries.
 */
export class MerkleAccumulator {
  private readonly stack: Hash[] = [];
  private count = 0;

  /** Leaves added so far. */
  get size(): number {
    return this.count;
  }

  /** An independent copy, to go back to (verify rechecks from its last vouched size). */
  clone(): MerkleAccumulator {
    const copy = new MerkleAccumulator();
    copy.stack.push(...this.stack);
    copy.count = this.count;
    return copy;
  }

  /** Adds the next leaf hash. */
  push(leaf: Hash): void {
    this.stack.push(leaf);
    this.count += 1;
    for (let merged = this.count; merged % 2 === 0; merged /= 2) {
      const right = this.stack.pop()!;
      const left = this.stack.pop()!;
      this.stack.push(nodeHash(left, right));
    }
  }

  /** The root of the leaves added so far (RFC 9162: SHA-256 of nothing when empty). */
  root(): Hash {
    if (this.stack.length === 0) return emptyRoot();
    let root = this.stack[this.stack.length - 1]!;
    for (let index = this.stack.length - 2; index >= 0; index -= 1)
      root = nodeHash(this.stack[index]!, root);
    return root;
  }
}
