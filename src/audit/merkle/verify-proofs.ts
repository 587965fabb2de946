import { nodeHash, sameHash, type Hash } from './hashes.js';

/**
 * The RFC 9162 proof verifiers, step by step as sections 2.1.3.2 and 2.1.4.2 write them. Every
 * argument may come from an attacker (a proof served by a tampered log, a forged checkpoint):
 * sizes are checked before use and any mismatch is a plain `false`. Shifts are halvings so
 * that sizes above 2^31 work.
 */

const half = (value: number) => Math.floor(value / 2);
const odd = (value: number) => value % 2 === 1;

function validSize(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Recomputes the root from a leaf hash and its inclusion path; undefined when malformed. */
export function rootFromInclusion(
  leaf: Hash,
  index: number,
  size: number,
  path: readonly Hash[],
): Hash | undefined {
  if (!validSize(index) || !validSize(size) || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Hash = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 2.1.3.2: does `path` prove `leaf` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(
  leaf: Hash,
  index: number,
  size: number,
  path: readonly Hash[],
  root: Hash,
): boolean {
  const computed = rootFromInclusion(leaf, index, size, path);
  return computed !== undefined && sameHash(computed, root);
}

/**
 * RFC 9162 2.1.4.2: is the tree of `second` leaves with `secondRoot` an append-only extension
 * of the tree of `first` leaves with `firstRoot`? Equal sizes need equal roots and no proof;
 * an empty first tree is consistent with anything.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  path: readonly Hash[],
): boolean {
  if (!validSize(first) || !validSize(second) || first > second) return false;
  if (first === 0) return path.length === 0;
  if (first === second) return path.length === 0 && sameHash(firstRoot, secondRoot);
  if (path.length === 0) return false;
  const proof = isPowerOfTwo(first) ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Hash = proof[0]!;
  let sr: Hash = proof[0]!;
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}

function isPowerOfTwo(value: number): boolean {
  let size = 1;
  while (size < value) size *= 2;
  return size === value;
}
