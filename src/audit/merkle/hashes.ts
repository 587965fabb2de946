import { createHash, hash as oneShotHash, timingSafeEqual } from 'node:crypto';

/** A SHA-256 hash as bytes (32 of them). */
export type Hash = Uint8Array;

const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

/** RFC 9162 leaf hash: SHA-256(0x00 || data); strings hash as their UTF-8 bytes. */
export function leafHash(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

// 0x01 || left || right, filled in place: a tree of n leaves has n - 1 interior nodes, and one
// one-shot hash of a reused buffer costs half of a streaming hash with three updates.
const nodeInput = Buffer.alloc(65);

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // Hashes of another length (only a malformed proof could carry them) take the general path.
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeInput[0] = 0x01;
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return oneShotHash('sha256', nodeInput, 'buffer');
}

/** The root of an empty tree: SHA-256 of nothing. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** Lower-case hex of a hash. */
export function toHex(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
}

/** A 32-byte hash from hex; undefined when the text is not exactly that. */
export function fromHex(text: string): Buffer | undefined {
  return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Constant-time equality of two hashes (false when the lengths differ). */
export function sameHash(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && timingSafeEqual(left, right);
}
