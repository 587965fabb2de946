/**
 * Where a Merkle tree node sits in the order the audit log writes nodes (post-order): when leaf
 * number m arrives (counting from 1), it completes the leaf itself and then one parent for each
 * trailing zero bit of m, and after m leaves 2m - popcount(m) nodes exist. Node (level, index)
 * is completed by leaf m = (index + 1) * 2^level, as the level-th of the nodes that leaf
 * completes. Keying stored nodes by this position puts every node a batch of appends writes
 * next to each other (one or two pages), where keying by (level, index) spread them over one
 * region of the table per level.
 */
export function treePosition(level: number, index: number): number {
  const leaves = (index + 1) * 2 ** level;
  return 2 * leaves - popcount(leaves) - 1 - (trailingZeros(leaves) - level);
}

/** How many leaves the tree has once node (level, index) exists: the leaf that completed it. */
export function leavesCompleting(level: number, index: number): number {
  return (index + 1) * 2 ** level;
}

// Arithmetic rather than bit operators: leaf counts pass 2^32 long before they pass 2^53.
function popcount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

function trailingZeros(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0 && rest % 2 === 0; rest /= 2) count += 1;
  return count;
}
