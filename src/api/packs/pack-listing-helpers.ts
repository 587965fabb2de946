import { compareVersions } from '../../packs/index.js';

export { compareVersions };

/**
 * Reads the builder and source revision from a stored envelope for display only (verification
 * happens on load); a row that does not parse shows nothing rather than failing the listing.
 */
export function checkEnvelopeText(
  envelope: string,
): { builder: string; sourceRevision: string } | undefined {
  try {
    const parsed = JSON.parse(envelope) as { payload?: unknown };
    if (typeof parsed.payload !== 'string') return undefined;
    const statement = JSON.parse(Buffer.from(parsed.payload, 'base64').toString('utf8')) as {
      predicate?: { builder?: { id?: unknown }; sourceRevision?: unknown };
    };
    const builder = statement.predicate?.builder?.id;
    const sourceRevision = statement.predicate?.sourceRevision;
    return typeof builder === 'string' && typeof sourceRevision === 'string'
      ? { builder, sourceRevision }
      : undefined;
  } catch {
    return undefined;
  }
}
