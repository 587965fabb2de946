// Plain JavaScript, so that verify's worker thread (verify/row-facts-worker.mjs) can load it
// without a TypeScript loader; types are in entry-digests.d.mts.
import { hash } from 'node:crypto';

// One entry's UTF-8 bytes behind a 0x00 byte, reused from row to row: the entry's own hash
// reads bytes 1.., its RFC 9162 leaf hash (SHA-256(0x00 || entry)) the whole, so each text is
// encoded once. Grows for an unusually large entry.
let scratch = Buffer.alloc(64 * 1024);

/**
 * The SHA-256 of an entry's text (lower-case hex: the chain hash) and its RFC 9162 leaf hash
 * (SHA-256(0x00 || text)), from one UTF-8 encoding of the text into a reused buffer.
 *
 * @param {string} text
 * @returns {{ hash: string, leaf: Buffer }}
 */
export function entryDigests(text) {
  const needed = 1 + Buffer.byteLength(text);
  if (scratch.length < needed) scratch = Buffer.alloc(needed * 2);
  scratch[0] = 0x00;
  const length = 1 + scratch.write(text, 1, 'utf8');
  return {
    hash: hash('sha256', scratch.subarray(1, length), 'hex'),
    leaf: hash('sha256', scratch.subarray(0, length), 'buffer'),
  };
}
