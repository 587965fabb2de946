import { PackError } from './errors.js';
import type { LoadedPack } from './types.js';

/**
 * An agent's pack entry: `@acme/itops` (dev only: the local folder), `@acme/itops@1.2.0`, or
 * pinned exactly, `@acme/itops@1.2.0#sha256:<hex>`. Outside dev only exact pins resolve, so an
 * agent never picks up another version or content by itself.
 */
export interface PackPin {
  name: string;
  version?: string;
  digest?: string;
}

const pinPattern =
  /^(@[a-z0-9-]{1,40}\/[a-z][a-z0-9-]{0,62}|[a-z][a-z0-9-]{0,62})(?:@(\d{1,6}\.\d{1,6}\.\d{1,6}(?:-[0-9A-Za-z.-]{1,40})?))?(?:#(sha256:[0-9a-f]{64}))?$/;

/** Parses an agent's pack entry; a malformed entry is an error, never a looser match. */
export function parsePackPin(entry: string): PackPin {
  const match = entry.length <= 250 ? pinPattern.exec(entry) : null;
  if (match === null || (match[3] !== undefined && match[2] === undefined)) {
    throw new PackError(
      'invalid-pin',
      `${JSON.stringify(entry.slice(0, 250))} is not a pack entry such as @acme/pack@1.2.0#sha256:<hex>`,
    );
  }
  const [, name = '', version, digest] = match;
  return {
    name,
    ...(version === undefined ? {} : { version }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** `name@version#sha256:...` for an exact pin. */
export function formatPackPin(pin: PackPin): string {
  return `${pin.name}${pin.version === undefined ? '' : `@${pin.version}`}${pin.digest === undefined ? '' : `#${pin.digest}`}`;
}

/** The exact pin of a loaded pack. */
export function pinOf(pack: LoadedPack): string {
  return formatPackPin({
    name: pack.manifest.name,
    version: pack.manifest.version,
    digest: pack.digest,
  });
}

/** The outcome of choosing a pack for one entry. */
export type PinSelection =
  | { kind: 'found'; pack: LoadedPack }
  | { kind: 'none'; sameName: LoadedPack[] }
  | { kind: 'ambiguous'; packs: LoadedPack[] };

/**
 * Chooses the pack an entry names. A bare name prefers local folders (the dev workflow); several
 * contents for one entry are ambiguous (never "the newest"); one content held both as a folder
 * and as a signed registry pack resolves to the signed one.
 */
export function selectPack(packs: readonly LoadedPack[], pin: PackPin): PinSelection {
  const sameName = packs.filter((pack) => pack.manifest.name === pin.name);
  let candidates = sameName.filter(
    (pack) =>
      (pin.version === undefined || pack.manifest.version === pin.version) &&
      (pin.digest === undefined || pack.digest === pin.digest),
  );
  if (pin.version === undefined && candidates.some((pack) => pack.source === 'folder')) {
    candidates = candidates.filter((pack) => pack.source === 'folder');
  }
  if (candidates.length === 0) return { kind: 'none', sameName };
  const digests = new Set(candidates.map((pack) => pack.digest));
  if (digests.size > 1) return { kind: 'ambiguous', packs: candidates };
  const pack = candidates.find((candidate) => candidate.signed) ?? candidates[0];
  return pack === undefined ? { kind: 'none', sameName } : { kind: 'found', pack };
}
