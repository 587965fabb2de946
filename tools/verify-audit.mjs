#!/usr/bin/env node
/**
 * An auditor's verifier for Castellan audit exports, using no Castellan code: Node's standard
 * library only, so an auditor need not trust the product to check the product.
 *
 *   node tools/verify-audit.mjs EXPORT.jsonl --vkey 'NAME+KEYID+BASE64' [--witness FILE] [--json]
 *
 * EXPORT.jsonl comes from `castellan audit export --format jsonl`. The verifier key must be
 * pinned by the auditor (from `castellan audit key`, out of band); the key named in the
 * export's header is never trusted. Checks, reporting the first failure in seq order:
 *  - seq runs without gaps; each entry hashes (SHA-256 over RFC 8785 canonical JSON) to its
 *    hash and names its predecessor's hash;
 *  - at each checkpoint's size: its C2SP signed note verifies with the pinned key, no two
 *    checkpoints of one size differ (fork), the RFC 9162 root recomputed from the entries equals
 *    the signed root, and the exported consistency proof from the previous checkpoint verifies;
 *  - no checkpoint is larger than the log (truncation);
 *  - given a witness copy (JSON lines with `note`), the log is not behind it and has its roots.
 * An export that starts after seq 1 cannot recompute roots: each entry's inclusion proof is
 * checked against its signed checkpoint instead. Exit 0: verified; 1: a failure; 2: bad usage.
 */
import { createHash, createPublicKey, verify as ed25519Verify } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GENESIS = '0'.repeat(64);

// ---------- RFC 8785 canonical JSON, SHA-256, RFC 9162 hashing ----------

function canonical(value) {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number');
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
}

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leafHash = (bytes) => sha256(Buffer.of(0), bytes);
const nodeHash = (left, right) => sha256(Buffer.of(1), left, right);
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) =>
  /^[0-9a-f]{64}$/.test(text ?? '') ? Buffer.from(text, 'hex') : undefined;

class Accumulator {
  stack = [];
  size = 0;
  push(leaf) {
    this.stack.push(leaf);
    this.size += 1;
    for (let merged = this.size; merged % 2 === 0; merged /= 2) {
      const right = this.stack.pop();
      this.stack.push(nodeHash(this.stack.pop(), right));
    }
  }
  root() {
    if (this.stack.length === 0) return sha256();
    let root = this.stack.at(-1);
    for (let i = this.stack.length - 2; i >= 0; i -= 1) root = nodeHash(this.stack[i], root);
    return root;
  }
}

const half = (n) => Math.floor(n / 2);
const odd = (n) => n % 2 === 1;

// RFC 9162 section 2.1.3.2.
function verifyInclusion(leaf, index, size, path, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

// RFC 9162 section 2.1.4.2.
function verifyConsistency(first, second, firstRoot, secondRoot, path) {
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return path.length === 0;
  if (first > second || path.length === 0) return false;
  const proof = isPow2(first) ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

function isPow2(n) {
  let size = 1;
  while (size < n) size *= 2;
  return size === n;
}

// ---------- C2SP signed notes and tlog checkpoints ----------

function parseVerifierKey(text) {
  const trimmed = text.trim();
  const a = trimmed.indexOf('+');
  const b = a < 0 ? -1 : trimmed.indexOf('+', a + 1);
  if (b < 0) throw new Error('a verifier key is NAME+KEYID+BASE64');
  const name = trimmed.slice(0, a);
  const id = trimmed.slice(a + 1, b);
  const key = Buffer.from(trimmed.slice(b + 1), 'base64');
  if (!/^[^\s+]+$/.test(name) || !/^[0-9a-f]{8}$/.test(id) || key.length !== 33 || key[0] !== 1) {
    throw new Error('not an Ed25519 verifier key');
  }
  const publicKey = key.subarray(1);
  const keyId = sha256(Buffer.from(name), Buffer.of(0x0a, 0x01), publicKey).readUInt32BE(0);
  if (keyId !== Number.parseInt(id, 16)) throw new Error('verifier key id does not match its key');
  const object = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId, object };
}

/** Reads a checkpoint note: origin, size, root, and whether the pinned key signed it. */
function openCheckpoint(note, key) {
  if (typeof note !== 'string' || !note.endsWith('\n')) throw new Error('a note ends in a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('a note has a blank line before its signatures');
  const body = note.slice(0, split + 1);
  let signed = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (match === null) throw new Error(`malformed signature line: ${line.slice(0, 80)}`);
    const blob = Buffer.from(match[2], 'base64');
    if (match[1] !== key.name || blob.length !== 68 || blob.readUInt32BE(0) !== key.keyId) continue;
    if (ed25519Verify(null, Buffer.from(body), key.object, blob.subarray(4))) signed = true;
  }
  const [origin, sizeText, rootText] = body.split('\n');
  const root = Buffer.from(rootText ?? '', 'base64');
  if (
    !origin ||
    !/^(0|[1-9][0-9]{0,15})$/.test(sizeText ?? '') ||
    root.length !== 32 ||
    root.toString('base64') !== rootText
  ) {
    throw new Error('not a tlog checkpoint');
  }
  return {
    size: Number(sizeText),
    root,
    rootHex: hex(root),
    signed: signed && origin === key.name,
  };
}

// ---------- the verification ----------

function fail(firstBadSeq, check, code, reason, lastBadSeq) {
  return { firstBadSeq, ...(lastBadSeq === undefined ? {} : { lastBadSeq }), check, code, reason };
}

function readExport(path) {
  const entries = [];
  const checkpoints = [];
  let header;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line) => {
    if (line.trim() === '') return;
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      // An entry whose stored text is not JSON makes its export line unparsable: keep its seq.
      const seq = /^\{"type":"entry","seq":(\d+),/.exec(line);
      if (seq === null) throw new Error(`export line is not JSON: ${line.slice(0, 80)}`);
      entries.push({ seq: Number(seq[1]), unreadable: true });
      return;
    }
    if (value.type === 'log') header = value;
    else if (value.type === 'checkpoint') checkpoints.push(value);
    else if (value.type === 'entry') entries.push(value);
  });
  return { header, entries, checkpoints };
}

function groupCheckpoints(records, key) {
  const groups = new Map();
  for (const record of records) {
    let opened;
    let size = record.size;
    try {
      opened = openCheckpoint(record.note, key);
      if (opened.size !== record.size || opened.rootHex !== record.root) {
        opened = {
          error: `the exported record (size ${record.size}) disagrees with its note (size ${opened.size})`,
        };
      }
    } catch (error) {
      opened = { error: error.message };
    }
    if (opened.size !== undefined) size = opened.size;
    const group = groups.get(size) ?? { size, opened: [], consistency: null };
    group.opened.push(opened);
    if (record.consistency) group.consistency = record.consistency;
    groups.set(size, group);
  }
  return groups;
}

function checkGroup(group, computedRoot, previousGood) {
  const { size } = group;
  for (const opened of group.opened) {
    if (opened.error)
      return fail(
        size,
        'checkpoint-signature',
        'checkpoint-unreadable',
        `checkpoint of size ${size}: ${opened.error}`,
      );
  }
  if (group.opened.some((opened) => !opened.signed)) {
    return fail(
      size,
      'checkpoint-signature',
      'signature-invalid',
      `the checkpoint of size ${size} is not signed by the pinned key`,
    );
  }
  const roots = new Set(group.opened.map((opened) => opened.rootHex));
  if (roots.size > 1)
    return fail(
      size,
      'fork',
      'fork',
      `${roots.size} signed checkpoints of size ${size} name different roots`,
    );
  const signed = group.opened[0];
  if (computedRoot !== undefined && !signed.root.equals(computedRoot)) {
    const first = (previousGood?.size ?? 0) + 1;
    return fail(
      first,
      'merkle-root',
      'root-mismatch',
      `the entries no longer produce the root signed at size ${size}`,
      size,
    );
  }
  if (previousGood !== undefined && previousGood.size < size) {
    const consistency = group.consistency;
    const path =
      consistency?.from === previousGood.size ? consistency.path.map(fromHex) : undefined;
    if (
      path === undefined ||
      path.some((hash) => hash === undefined) ||
      !verifyConsistency(previousGood.size, size, previousGood.root, signed.root, path)
    ) {
      return fail(
        size,
        'consistency',
        'inconsistent',
        `no valid consistency proof from checkpoint ${previousGood.size} to ${size}`,
      );
    }
  }
  return undefined;
}

function checkEntry(line, expected, previousHash, previous) {
  if (line.seq !== expected)
    return fail(
      expected,
      'seq',
      'seq-gap',
      `seq ${expected} is missing: the next exported entry is ${line.seq}`,
    );
  const entry = line.entry;
  if (line.unreadable || entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return fail(line.seq, 'chain', 'entry-unreadable', `seq ${line.seq} is not a JSON object`);
  }
  if (entry.seq !== line.seq) {
    if (previous !== undefined && line.hash === previous.line.hash)
      return fail(
        line.seq,
        'seq',
        'duplicate',
        `seq ${line.seq} repeats entry ${previous.line.seq}`,
      );
    if (
      previous !== undefined &&
      entry.seq === line.seq - 1 &&
      entry.prevHash === previous.line.entry.prevHash
    ) {
      return fail(
        line.seq - 1,
        'chain',
        'inserted',
        `seq ${line.seq - 1} and ${line.seq} both follow seq ${line.seq - 2}`,
      );
    }
    return fail(
      line.seq,
      'seq',
      'reordered',
      `the entry exported at seq ${line.seq} says it is seq ${String(entry.seq)}`,
    );
  }
  if (
    previousHash !== undefined &&
    (entry.prevHash !== previousHash || line.prevHash !== previousHash)
  ) {
    return fail(
      line.seq,
      'chain',
      'chain-broken',
      `seq ${line.seq} does not chain from seq ${line.seq - 1}`,
    );
  }
  let bytes;
  try {
    bytes = canonical(entry);
  } catch {
    return fail(line.seq, 'chain', 'entry-unreadable', `seq ${line.seq} cannot be canonicalised`);
  }
  if (hex(sha256(bytes)) !== line.hash)
    return fail(
      line.seq,
      'chain',
      'entry-edited',
      `seq ${line.seq} does not hash to its hash (edited)`,
    );
  return { line, bytes };
}

/** Verifies an export (and optionally a witness copy) against a pinned key. */
export function verifyExport({ exportPath, verifierKey, witnessPath }) {
  const key = parseVerifierKey(verifierKey);
  const { header, entries, checkpoints } = readExport(exportPath);
  const since = header?.since ?? entries[0]?.seq ?? 1;
  const full = since === 1;
  const groups = groupCheckpoints(checkpoints, key);
  const witnessed = (witnessPath === undefined ? [] : readFileSync(witnessPath, 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => openCheckpoint(JSON.parse(line).note, key))
    .sort((a, b) => a.size - b.size);
  const interesting = new Set([...groups.keys(), ...witnessed.map((one) => one.size)]);
  const roots = new Map();
  const accumulator = new Accumulator();
  const goodSizes = [];
  let previousGood;
  let previous;
  let previousHash = full ? GENESIS : undefined;
  let expected = since;
  const counts = () => ({ checkpoints: goodSizes.length, witnessed: 0 });
  const failed = (failure) => ({
    ok: false,
    entries: Math.min(expected, failure.firstBadSeq) - since,
    ...counts(),
    ...failure,
  });

  if (!full) {
    // No roots to recompute: check each signed checkpoint, then each entry's inclusion proof.
    for (const group of [...groups.values()].sort((a, b) => a.size - b.size)) {
      const problem = checkGroup(group, undefined, previousGood);
      if (problem) return failed(problem);
      previousGood = { size: group.size, root: group.opened[0].root };
      goodSizes.push(group.size);
    }
  }
  for (const line of entries) {
    const checked = checkEntry(line, expected, previousHash, previous);
    if (checked.code !== undefined) return failed(checked);
    const leaf = leafHash(checked.bytes);
    if (!full && line.proof) {
      const signed = groups.get(line.proof.size)?.opened[0];
      const path = line.proof.path.map(fromHex);
      if (
        signed === undefined ||
        path.some((hash) => hash === undefined) ||
        !verifyInclusion(leaf, line.seq - 1, line.proof.size, path, signed.root)
      ) {
        return failed(
          fail(
            line.seq,
            'merkle-root',
            'proof-invalid',
            `seq ${line.seq} does not prove against checkpoint ${line.proof.size}`,
          ),
        );
      }
    }
    previous = checked;
    previousHash = line.hash;
    expected += 1;
    if (!full) continue;
    accumulator.push(leaf);
    if (!interesting.has(line.seq)) continue;
    const root = accumulator.root();
    roots.set(line.seq, root);
    const group = groups.get(line.seq);
    if (group === undefined) continue;
    const problem = checkGroup(group, root, previousGood);
    if (problem) return failed(problem);
    previousGood = { size: line.seq, root };
    goodSizes.push(line.seq);
  }
  const size = expected - 1;
  const beyond = [...groups.keys()].filter((checkpointSize) => checkpointSize > size);
  if (beyond.length > 0) {
    const largest = Math.max(...beyond);
    return failed(
      fail(
        size + 1,
        'truncation',
        'truncated',
        `a checkpoint of size ${largest} exists but the log ends at ${size}`,
        largest,
      ),
    );
  }
  for (const checkpoint of witnessed) {
    if (!checkpoint.signed)
      return failed(
        fail(
          checkpoint.size,
          'witness',
          'witness-signature-invalid',
          `the witness copy of checkpoint ${checkpoint.size} is not signed by the pinned key`,
        ),
      );
  }
  const ahead = witnessed.filter((checkpoint) => checkpoint.size > size);
  if (ahead.length > 0) {
    const largest = Math.max(...ahead.map((checkpoint) => checkpoint.size));
    return {
      ...failed(
        fail(
          size + 1,
          'witness',
          'witness-rollback',
          `a witness holds checkpoint ${largest} but the log ends at ${size}`,
          largest,
        ),
      ),
      entries: size - since + 1,
    };
  }
  for (const checkpoint of witnessed) {
    const root = roots.get(checkpoint.size);
    if (full && checkpoint.size > 0 && (root === undefined || !root.equals(checkpoint.root))) {
      const before = goodSizes.filter((good) => good < checkpoint.size);
      const first = (before.length > 0 ? Math.max(...before) : 0) + 1;
      return {
        ...failed(
          fail(
            first,
            'witness',
            'witness-fork',
            `the log's first ${checkpoint.size} entries differ from the witnessed checkpoint`,
            checkpoint.size,
          ),
        ),
        entries: size - since + 1,
      };
    }
  }
  return {
    ok: true,
    entries: size - since + 1,
    headHash: previousHash ?? null,
    root: full ? hex(accumulator.root()) : null,
    checkpoints: goodSizes.length,
    latestCheckpoint: goodSizes.at(-1) ?? null,
    witnessed: witnessed.length,
  };
}

function main(argv) {
  const args = { json: false };
  const rest = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--vkey') args.verifierKey = argv[++i];
    else if (arg === '--vkey-file') args.verifierKey = readFileSync(argv[++i], 'utf8');
    else if (arg === '--witness') args.witnessPath = argv[++i];
    else rest.push(arg);
  }
  if (rest.length !== 1 || args.verifierKey === undefined) {
    process.stderr.write(
      'usage: verify-audit.mjs EXPORT.jsonl --vkey KEY | --vkey-file FILE [--witness FILE] [--json]\n',
    );
    return 2;
  }
  let result;
  try {
    result = verifyExport({
      exportPath: rest[0],
      verifierKey: args.verifierKey,
      witnessPath: args.witnessPath,
    });
  } catch (error) {
    process.stderr.write(`verify-audit: ${error.message}\n`);
    return 2;
  }
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.ok)
    process.stdout.write(
      `verified: ${result.entries} entries, ${result.checkpoints} signed checkpoint(s), root ${result.root}\n`,
    );
  else
    process.stdout.write(
      `BROKEN at seq ${result.firstBadSeq} (${result.code}): ${result.reason}\n`,
    );
  return result.ok ? 0 : 1;
}

if (
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  process.exitCode = main(process.argv.slice(2));
}
