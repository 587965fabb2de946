import { formatIssues } from '../config/index.js';
import { packManifestSchema, type PackManifest } from './manifest.js';
import { PackError } from './errors.js';
import { packLimits } from './pack-files.js';

/** The manifest's file name inside a pack folder. */
export const MANIFEST_FILE = 'castellan.pack.json';

/** Decodes UTF-8 strictly (invalid bytes are an error, a leading BOM is dropped). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new PackError('invalid-manifest', `${file} is not valid UTF-8`, { cause: error });
  }
}

/**
 * Parses a manifest's bytes. The bytes are attacker-controlled (a pack from anywhere): size-limited,
 * strictly decoded, parsed refusing `__proto__` keys (they would turn into prototypes once the
 * value is copied), then validated with the manifest schema (unknown keys are errors).
 */
export function parseManifest(bytes: Uint8Array, file: string): PackManifest {
  if (bytes.length > packLimits.maxManifestBytes) {
    throw new PackError(
      'invalid-manifest',
      `${file} is larger than the ${packLimits.maxManifestBytes} bytes a manifest may have`,
    );
  }
  const text = decodeUtf8(bytes, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('the key "__proto__" is not allowed');
      return value;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PackError('invalid-manifest', `${file} is not valid JSON: ${message}`, {
      cause: error,
    });
  }
  const parsed = packManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PackError(
      'invalid-manifest',
      `${file} is not a valid manifest: ${formatIssues(parsed.error)}`,
      {
        details: {
          issues: parsed.error.issues.map((issue) => ({
            path: issue.path.map(String),
            message: issue.message,
          })),
        },
      },
    );
  }
  return parsed.data;
}
