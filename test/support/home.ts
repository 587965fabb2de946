/** Temporary homes for end-to-end tests, removed afterwards. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh, empty folder for a Castellan home. */
export function temporaryFolder(prefix = 'castellan-e2e-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Merges settings into a home's castellan.json (e.g. a target's connector URL). */
export function patchConfig(home: string, patch: Record<string, unknown>): void {
  const file = join(home, 'castellan.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...config, ...patch }, null, 2));
}
