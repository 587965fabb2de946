/**
 * Strict base64 (RFC 4648, standard alphabet, padded): Node's decoder skips bad characters, so a
 * value from an envelope is checked to round-trip exactly before its bytes are used.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
