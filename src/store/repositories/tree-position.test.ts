import { describe, expect, it } from 'vitest';
import { leavesCompleting, treePosition } from './tree-position.js';

// The nodes leaf m completes, in the order the audit log writes them: the leaf, then each
// parent whose right child just arrived (as src/audit/merkle/extend.ts builds them).
function writeOrder(leaves: number): Array<[number, number]> {
  const order: Array<[number, number]> = [];
  for (let leaf = 0; leaf < leaves; leaf += 1) {
    let level = 0;
    let index = leaf;
    order.push([level, index]);
    while (index % 2 === 1) {
      level += 1;
      index = (index - 1) / 2;
      order.push([level, index]);
    }
  }
  return order;
}

describe('tree positions', () => {
  it('number the nodes 0, 1, 2, ... in the order appends write them', () => {
    const order = writeOrder(1000);
    expect(order.map(([level, index]) => treePosition(level, index))).toEqual(
      order.map((_, position) => position),
    );
  });

  it('say which leaf completed a node', () => {
    for (const [level, index] of writeOrder(300)) {
      const leaves = leavesCompleting(level, index);
      expect(writeOrder(leaves).at(-1 - (Math.log2(leaves & -leaves) - level))).toEqual([
        level,
        index,
      ]);
    }
  });

  it('stay exact past 2^32 leaves', () => {
    // Leaf 2^40 - 1 (0-based) completes 40 levels: the root of 2^40 leaves is written last.
    const leaves = 2 ** 40;
    expect(treePosition(40, 0)).toBe(2 * leaves - 1 - 1);
    expect(treePosition(0, leaves - 1)).toBe(2 * leaves - 2 - 40);
  });
});
