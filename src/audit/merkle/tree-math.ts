import { nodeHash, type Hash } from './hashes.js';

/**
 * RFC 9162 tree arithmetic over stored complete subtrees. A node (level, index) covers leaves
 * [index·2^level, (index+1)·2^level). Every range the RFC's recursions visit starts at a
 * multiple of a power of two at least as large as the range, so its hash is one stored node
 * when the range is a power of two long, and otherwise two smaller ranges joined.
 * Sizes stay below 2^53: arithmetic is done on numbers, never with 32-bit bit operators.
 */

/** Where a node sits in the tree. */
export interface NodeKey {
  level: number;
  index: number;
}

/** Gives the hash of a complete subtree; throws when the node is unknown. */
export type NodeSource = (level: number, index: number) => Hash;

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function powerOfTwoLevel(n: number): number | undefined {
  let level = 0;
  let size = 1;
  while (size < n) {
    size *= 2;
    level += 1;
  }
  return size === n ? level : undefined;
}

/** MTH(D[start:end]) for a range the RFC recursions produce (start aligned, end > start). */
export function rangeHash(source: NodeSource, start: number, end: number): Hash {
  const size = end - start;
  const level = powerOfTwoLevel(size);
  if (level !== undefined) return source(level, start / size);
  const k = splitPoint(size);
  return nodeHash(rangeHash(source, start, start + k), rangeHash(source, start + k, end));
}

/** The root of the first `size` leaves (size ≥ 1). */
export function rootOf(source: NodeSource, size: number): Hash {
  return rangeHash(source, 0, size);
}

/** RFC 9162 2.1.3.1 PATH(m, D[0:size]): sibling hashes from the leaf up. */
export function inclusionPath(source: NodeSource, index: number, size: number): Hash[] {
  const path: Hash[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(rangeHash(source, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(rangeHash(source, start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 2.1.4.1 PROOF(m, D[0:n]) for 0 < m ≤ n: empty when m equals n. */
export function consistencyPath(source: NodeSource, m: number, n: number): Hash[] {
  const proof: Hash[] = [];
  const subproof = (mm: number, start: number, end: number, complete: boolean): void => {
    const size = end - start;
    if (mm === size) {
      if (!complete) proof.push(rangeHash(source, start, end));
      return;
    }
    const k = splitPoint(size);
    if (mm <= k) {
      subproof(mm, start, start + k, complete);
      proof.push(rangeHash(source, start + k, end));
    } else {
      subproof(mm - k, start + k, end, false);
      proof.push(rangeHash(source, start, start + k));
    }
  };
  subproof(m, 0, n, true);
  return proof;
}

/** The complete subtrees whose hashes make up the first `size` leaves, largest first. */
export function frontierKeys(size: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let start = 0;
  let remaining = size;
  while (remaining > 0) {
    let block = 1;
    let level = 0;
    while (block * 2 <= remaining) {
      block *= 2;
      level += 1;
    }
    keys.push({ level, index: start / block });
    start += block;
    remaining -= block;
  }
  return keys;
}

/** Runs a computation against a source that records which nodes it asks for. */
export function nodesNeeded(run: (source: NodeSource) => unknown): NodeKey[] {
  const seen = new Map<string, NodeKey>();
  const placeholder = new Uint8Array(32);
  run((level, index) => {
    seen.set(`${level}/${index}`, { level, index });
    return placeholder;
  });
  return [...seen.values()];
}
