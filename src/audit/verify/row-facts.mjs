// Plain JavaScript on purpose: verify's worker thread (row-facts-worker.mjs) loads this file
// directly, without a TypeScript loader, so that it starts in milliseconds. Types are in
// row-facts.d.mts; the checks that use these facts are in verify-log.ts and row-checks.ts.
import { entryDigests } from '../merkle/entry-digests.mjs';

/**
 * What checking a stored row needs that does not depend on the rows before it, for many rows
 * at once: the SHA-256 of its text as stored, its leaf hash over the same bytes, and the `seq`
 * and `prevHash` the text itself claims. The texts are attacker-controlled when the database
 * is: nothing here decides anything, it only computes; a text that is not a JSON object yields
 * NaN and null, and the caller then runs the full check on that row. Without `parse`, only the
 * hashes are computed (seq NaN, prevHash null): for rows a signed checkpoint will vouch for.
 *
 * @param {readonly string[]} texts
 * @param {boolean} [parse]
 */
export function rowFacts(texts, parse = true) {
  const count = texts.length;
  const hashes = new Array(count);
  const prevHashes = new Array(count);
  const seqs = new Float64Array(count);
  const leaves = new Uint8Array(count * 32);
  for (let index = 0; index < count; index += 1) {
    const text = texts[index];
    const digests = entryDigests(text);
    hashes[index] = digests.hash;
    leaves.set(digests.leaf, index * 32);
    let parsed;
    try {
      parsed = parse ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    seqs[index] = isObject && typeof parsed.seq === 'number' ? parsed.seq : Number.NaN;
    prevHashes[index] = isObject && typeof parsed.prevHash === 'string' ? parsed.prevHash : null;
  }
  return { hashes, prevHashes, seqs, leaves };
}
