import { writeFileSync } from 'node:fs';
import { canonicalJson, sha256Hex } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { unsafeExecuteForTests } from '../../store/testing.js';
import { exportLog } from '../export/export-log.js';

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The stored row at `seq`, parsed. */
export async function readRow(
  store: Store,
  seq: number,
): Promise<{ entry: Record<string, unknown>; prevHash: string; hash: string }> {
  const [row] = await store.auditTree.rawRange('default', seq, 1);
  if (row === undefined || row.seq !== seq) throw new Error(`no row ${seq}`);
  return {
    entry: JSON.parse(row.text) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Overwrites a row's columns (triggers must be gone). */
export async function writeRow(
  store: Store,
  seq: number,
  row: { entry: Record<string, unknown>; prevHash: string; hash: string },
): Promise<void> {
  await unsafeExecuteForTests(
    store,
    `update audit_log set entry = ${quote(canonicalJson(row.entry))}, prev_hash = ${quote(row.prevHash)}, hash = ${quote(row.hash)} where seq = ${seq}`,
  );
}

/** Inserts a row at `seq` (after shifting, when needed). */
export async function insertRow(
  store: Store,
  seq: number,
  row: { entry: Record<string, unknown>; prevHash: string; hash: string },
): Promise<void> {
  await unsafeExecuteForTests(
    store,
    `insert into audit_log (org_id, seq, entry, prev_hash, hash) values ('default', ${seq}, ${quote(canonicalJson(row.entry))}, ${quote(row.prevHash)}, ${quote(row.hash)})`,
  );
}

/** Moves every row at or after `from` one seq later (two steps, so the key never collides). */
export async function shiftFrom(store: Store, from: number): Promise<void> {
  await unsafeExecuteForTests(store, `update audit_log set seq = -seq where seq >= ${from}`);
  await unsafeExecuteForTests(store, `update audit_log set seq = -seq + 1 where seq < 0`);
}

/** The hash an honest writer would store for an entry. */
export function hashOf(entry: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(entry));
}

/** Rewrites entry `seq` and re-chains every entry after it, as a careful attacker would. */
export async function rewriteAndRechain(store: Store, seq: number, last: number): Promise<void> {
  let previousHash = (await readRow(store, seq)).prevHash;
  for (let at = seq; at <= last; at += 1) {
    const row = await readRow(store, at);
    const entry: Record<string, unknown> = { ...row.entry, prevHash: previousHash };
    if (at === seq) entry['details'] = { rewritten: true };
    const hash = hashOf(entry);
    await writeRow(store, at, { entry, prevHash: previousHash, hash });
    previousHash = hash;
  }
}

/** Writes the jsonl export of the log to `path`. */
export async function writeExport(store: Store, path: string): Promise<void> {
  let text = '';
  for await (const line of exportLog(store.auditTree, 'default', { format: 'jsonl' })) text += line;
  writeFileSync(path, text);
}
