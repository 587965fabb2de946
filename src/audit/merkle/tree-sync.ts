import type { AuditTreeRepository, TreeNodeRecord } from '../../store/index.js';
import { canonicalTextOf } from '../canonical-text.js';
import { extendTree, frontierFor } from './extend.js';
import { leafHash, type Hash } from './hashes.js';

const PAGE = 2000;

/**
 * Adds `leaves` at index `first` to the stored tree, inside the caller's transaction, and
 * returns the new right edge (for the caller to reuse next time). `known`, when given, must be
 * the frontier at `first` leaves. When the tree lags the log (entries written before the tree
 * existed), it first catches up from the stored rows, so the tree always covers exactly the
 * committed entries.
 */
export async function appendToTree(
  tree: AuditTreeRepository,
  orgId: string,
  first: number,
  leaves: readonly Hash[],
  known?: Map<string, Hash>,
): Promise<Map<string, Hash>> {
  let nodes = known === undefined ? await frontier(tree, orgId, first) : new Map(known);
  if (nodes === undefined) {
    await catchUp(tree, orgId, first);
    nodes = await frontier(tree, orgId, first);
    if (nodes === undefined) throw new Error(`the audit tree cannot reach ${first} leaves`);
  }
  await tree.insertNodes(orgId, extendTree(nodes, first, leaves));
  const size = first + leaves.length;
  return new Map(
    frontierFor(size).map((key) => {
      const hash = nodes.get(`${key.level}/${key.index}`);
      if (hash === undefined) throw new Error(`the audit tree lost node ${key.level}/${key.index}`);
      return [`${key.level}/${key.index}`, hash] as const;
    }),
  );
}

/** Builds missing tree nodes from the stored rows up to `upTo` leaves; returns how many. */
export async function catchUp(
  tree: AuditTreeRepository,
  orgId: string,
  upTo: number,
): Promise<number> {
  let size = await tree.leafCount(orgId);
  const start = size;
  const known = await frontier(tree, orgId, size);
  if (known === undefined) throw new Error(`the audit tree lacks its frontier at ${size} leaves`);
  while (size < upTo) {
    const rows = await tree.rawRange(orgId, size + 1, Math.min(PAGE, upTo - size));
    if (rows.length === 0 || rows[0]?.seq !== size + 1) break;
    const leaves: Hash[] = [];
    for (const row of rows) {
      if (row.seq !== size + leaves.length + 1) break;
      leaves.push(leafHash(canonicalTextOf(row.text, JSON.parse(row.text))));
    }
    const nodes: TreeNodeRecord[] = extendTree(known, size, leaves);
    await tree.insertNodes(orgId, nodes);
    size += leaves.length;
    if (leaves.length < rows.length) break;
  }
  return size - start;
}

async function frontier(
  tree: AuditTreeRepository,
  orgId: string,
  size: number,
): Promise<Map<string, Hash> | undefined> {
  const keys = frontierFor(size);
  const found = await tree.nodes(orgId, keys);
  if (found.length !== keys.length) return undefined;
  return new Map(found.map((node) => [`${node.level}/${node.index}`, node.hash]));
}
