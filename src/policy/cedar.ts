import { createRequire } from 'node:module';
import type { DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyError } from './errors.js';

/** The Cedar wasm bindings, as the installed typings describe them. */
export type CedarWasm = typeof import('@cedar-policy/cedar-wasm/nodejs');

let loaded: CedarWasm | undefined;

/**
 * The Cedar wasm module, loaded on first use rather than at import: a missing or broken wasm
 * binary then becomes a PolicyError the gate can record as a denial, instead of a crash while
 * the process is still importing its modules.
 */
export function cedarWasm(): CedarWasm {
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    loaded = require('@cedar-policy/cedar-wasm/nodejs') as CedarWasm;
    return loaded;
  } catch (cause) {
    throw new PolicyError('engine-unavailable', 'the Cedar wasm engine could not be loaded', {
      cause,
    });
  }
}

/** One line per Cedar error, with its help and related errors, as Cedar words them. */
export function describeCedarErrors(errors: readonly DetailedError[]): string {
  return errors.map(describeCedarError).join('; ');
}

function describeCedarError(error: DetailedError): string {
  const help = error.help === null || error.help === undefined ? '' : ` (help: ${error.help})`;
  const related = (error.related ?? []).map((item) => `; ${describeCedarError(item)}`).join('');
  return `${error.message}${help}${related}`;
}
