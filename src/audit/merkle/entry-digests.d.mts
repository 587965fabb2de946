/** The chain hash (hex SHA-256) and RFC 9162 leaf hash of an entry's text, from one encoding. */
export function entryDigests(text: string): { hash: string; leaf: Buffer };
