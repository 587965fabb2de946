import { describe, expect, it } from 'vitest';
import { MerkleAccumulator } from './accumulator.js';
import { extendTree } from './extend.js';
import { emptyRoot, leafHash, nodeHash, toHex, type Hash } from './hashes.js';
import {
  consistencyPath,
  inclusionPath,
  rootOf,
  splitPoint,
  type NodeSource,
} from './tree-math.js';
import { rootFromInclusion, verifyConsistency, verifyInclusion } from './verify-proofs.js';

// RFC 6962's test tree (REFERENCES.md): the leaves and the roots of its first 1..8 leaves.
const RFC_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const RFC_ROOT_PREFIXES = [
  '6e340b9c',
  'fac54203',
  'aeb6bcfe',
  'd37ee418',
  '4e3bbb1f',
  '76e67dad',
  'ddb89be4',
];
const RFC_ROOT_8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';

// The RFC's own recursive definitions over a list of leaf hashes, as the oracle.
function mth(leaves: Hash[]): Hash {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Hash[]): Hash[] {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}
function subproof(m: number, leaves: Hash[], complete: boolean): Hash[] {
  if (m === leaves.length) return complete ? [] : [mth(leaves)];
  const k = splitPoint(leaves.length);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), complete), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

/** A tree built the way appends build the stored one: complete subtrees in a map. */
function storedTree(leaves: Hash[]): NodeSource {
  const known = new Map<string, Hash>();
  extendTree(known, 0, leaves);
  return (level, index) => {
    const hash = known.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`missing ${level}/${index}`);
    return hash;
  };
}

/** A seeded PRNG (mulberry32): the same cases every run, different ones per seed. */
function random(seed: number): (limit: number) => number {
  let state = seed >>> 0;
  return (limit) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * limit);
  };
}

const leavesOf = (count: number) =>
  Array.from({ length: count }, (_, index) => leafHash(`entry ${index}`));
const flip = (hash: Hash) => {
  const copy = Buffer.from(hash);
  copy[0] = copy[0]! ^ 1;
  return copy;
};

describe('RFC 9162 Merkle tree', () => {
  const rfc = RFC_LEAVES.map((hex) => leafHash(Buffer.from(hex, 'hex')));

  it('reproduces the RFC 6962 test tree roots for 1 to 8 leaves', () => {
    const accumulator = new MerkleAccumulator();
    rfc.forEach((leaf, index) => {
      accumulator.push(leaf);
      const expected = index < 7 ? RFC_ROOT_PREFIXES[index]! : RFC_ROOT_8;
      expect(toHex(accumulator.root()).startsWith(expected)).toBe(true);
      expect(
        toHex(rootOf(storedTree(rfc.slice(0, index + 1)), index + 1)).startsWith(expected),
      ).toBe(true);
    });
    expect(toHex(mth(rfc))).toBe(RFC_ROOT_8);
  });

  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(toHex(new MerkleAccumulator().root())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('matches the RFC definitions for inclusion and consistency over random tree sizes', () => {
    const next = random(9162);
    for (let round = 0; round < 200; round += 1) {
      const size = 1 + next(round < 150 ? 70 : 600);
      const leaves = leavesOf(size);
      const source = storedTree(leaves);
      const root = mth(leaves);
      expect(rootOf(source, size)).toEqual(root);
      const index = next(size);
      const proof = inclusionPath(source, index, size);
      expect(proof).toEqual(path(index, leaves));
      expect(verifyInclusion(leaves[index]!, index, size, proof, root)).toBe(true);
      const first = 1 + next(size);
      const consistency = consistencyPath(source, first, size);
      expect(consistency).toEqual(first === size ? [] : subproof(first, leaves, true));
      expect(verifyConsistency(first, size, mth(leaves.slice(0, first)), root, consistency)).toBe(
        true,
      );
    }
  });

  it('rejects every tampered inclusion proof', () => {
    const next = random(6962);
    for (let round = 0; round < 150; round += 1) {
      const size = 2 + next(300);
      const leaves = leavesOf(size);
      const source = storedTree(leaves);
      const root = rootOf(source, size);
      const index = next(size);
      const proof = inclusionPath(source, index, size);
      const leaf = leaves[index]!;
      const position = next(proof.length);
      const spoilt = proof.map((hash, at) => (at === position ? flip(hash) : hash));
      expect(verifyInclusion(leaf, index, size, spoilt, root)).toBe(false);
      expect(verifyInclusion(flip(leaf), index, size, proof, root)).toBe(false);
      expect(verifyInclusion(leaf, index, size, proof, flip(root))).toBe(false);
      expect(verifyInclusion(leaf, index, size, [...proof, root], root)).toBe(false);
      expect(verifyInclusion(leaf, index, size, proof.slice(1), root)).toBe(false);
      expect(verifyInclusion(leaf, size, size, proof, root)).toBe(false);
      const other = (index + 1 + next(size - 1)) % size;
      if (leaves[other] !== undefined && other !== index) {
        expect(verifyInclusion(leaf, other, size, proof, root)).toBe(false);
      }
      expect(rootFromInclusion(leaf, -1, size, proof)).toBeUndefined();
    }
  });

  it('rejects every tampered consistency proof and a rewritten history', () => {
    const next = random(2014);
    for (let round = 0; round < 150; round += 1) {
      const size = 3 + next(300);
      const leaves = leavesOf(size);
      const source = storedTree(leaves);
      const first = 1 + next(size - 1);
      const firstRoot = rootOf(source, first);
      const root = rootOf(source, size);
      const proof = consistencyPath(source, first, size);
      const position = next(proof.length);
      const spoilt = proof.map((hash, at) => (at === position ? flip(hash) : hash));
      expect(verifyConsistency(first, size, firstRoot, root, spoilt)).toBe(false);
      expect(verifyConsistency(first, size, flip(firstRoot), root, proof)).toBe(false);
      expect(verifyConsistency(first, size, firstRoot, flip(root), proof)).toBe(false);
      expect(verifyConsistency(first, size, firstRoot, root, [])).toBe(false);
      expect(verifyConsistency(size, first, root, firstRoot, proof)).toBe(false);
      // A log that rewrote one of its first `first` leaves cannot prove it extends the old root.
      const rewritten = [...leaves];
      rewritten[next(first)] = leafHash('forged');
      const forgedSource = storedTree(rewritten);
      const forgedProof = consistencyPath(forgedSource, first, size);
      expect(
        verifyConsistency(first, size, firstRoot, rootOf(forgedSource, size), forgedProof),
      ).toBe(false);
    }
  });

  it('proves inclusion in a tree of 2^33 + 3 leaves without 32-bit overflow', () => {
    // Only the right edge is real: leaves hash their index, level-1 nodes join two leaves, and
    // higher nodes (never split by either computation here) hash their key.
    const size = 2 ** 33 + 3;
    const source: NodeSource = (level, index) =>
      level === 0
        ? leafHash(String(index))
        : level === 1
          ? nodeHash(leafHash(String(2 * index)), leafHash(String(2 * index + 1)))
          : leafHash(`${level}/${index}`);
    const index = 2 ** 33 + 1;
    const proof = inclusionPath(source, index, size);
    expect(proof.length).toBe(3);
    expect(verifyInclusion(source(0, index), index, size, proof, rootOf(source, size))).toBe(true);
    const early = 2 ** 32 + 5;
    const earlyProof = inclusionPath(source, early, size);
    expect(earlyProof.length).toBe(34);
    expect(rootFromInclusion(source(0, early), early, size, earlyProof)).toBeDefined();
    expect(rootFromInclusion(source(0, early), early, size, earlyProof.slice(1))).toBeUndefined();
  });
});
