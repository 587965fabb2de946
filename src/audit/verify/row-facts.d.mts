/** Per-row facts, by index into the texts given (see row-facts.mjs). */
export interface RowFacts {
  /** SHA-256 of each text as stored, lower-case hex. */
  hashes: string[];
  /** The `prevHash` string each text claims, or null. */
  prevHashes: Array<string | null>;
  /** The `seq` number each text claims, or NaN. */
  seqs: Float64Array;
  /** The RFC 9162 leaf hash of each text, 32 bytes each, back to back. */
  leaves: Uint8Array;
}

export function rowFacts(texts: readonly string[], parse?: boolean): RowFacts;
