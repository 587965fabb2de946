/** Signed itops archives and hostile archives for the verification tests. */
import { sha256Hex } from '../../core/index.js';
import { buildArchive, buildPackArchive, type ArchiveEntry } from '../archive/build-archive.js';
import { readArchive } from '../archive/read-archive.js';
import { BLOCK, encodeHeader, type TarHeader } from '../archive/tar-header.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope, type DsseEnvelope } from '../signing/dsse.js';
import { generatePublisherKey, parsePrivateKey, type SigningAlgorithm } from '../signing/keys.js';
import { signPackArchive } from '../signing/sign-pack.js';
import { packStatement, statementBytes, type PackStatement } from '../signing/statement.js';
import type { TrustedKey } from '../verify/trusted-key.js';
import { itopsPackDir } from './pack-folder.js';

/** A publisher key with its private half parsed and its trust entry. */
export function aPublisher(
  algorithm: SigningAlgorithm = 'ed25519',
  trust: Partial<Pick<TrustedKey, 'publisher' | 'names'>> = {},
) {
  const pair = generatePublisherKey(algorithm);
  const trusted: TrustedKey = {
    keyId: pair.keyId,
    publicKeyPem: pair.publicKeyPem,
    algorithm,
    publisher: trust.publisher ?? 'castellan',
    names: trust.names ?? ['@castellan/*'],
  };
  return { pair, key: parsePrivateKey(pair.privateKeyPem), trusted };
}

/** The itops archive signed by a fresh publisher key. */
export async function signedItops(algorithm: SigningAlgorithm = 'ed25519') {
  const publisher = aPublisher(algorithm);
  const archive = (await buildPackArchive(itopsPackDir)).bytes;
  const { envelope, statement } = signPackArchive(archive, publisher.key, {
    builder: 'castellan-test',
    sourceRevision: 'test-rev',
  });
  return { publisher, archive, envelope, statement, text: JSON.stringify(envelope) };
}

/** Signs an arbitrary statement (or payload) with a key: a trusted key signing something odd. */
export function signStatement(
  statement: PackStatement | Record<string, unknown>,
  key: ReturnType<typeof aPublisher>['key'],
  payloadType = IN_TOTO_PAYLOAD_TYPE,
): DsseEnvelope {
  return signEnvelope(payloadType, statementBytes(statement as PackStatement), key);
}

/** A statement about an archive whose manifest came from `manifestEntries` (to forge mismatches). */
export function statementFor(archive: Buffer, entries: ArchiveEntry[]): PackStatement {
  const manifest = entries.find((entry) => entry.path === 'castellan.pack.json');
  if (manifest === undefined) throw new Error('no manifest');
  const parsed = JSON.parse(manifest.bytes.toString('utf8'));
  return packStatement({
    archiveDigest: `sha256:${sha256Hex(archive)}`,
    manifest: parsed,
    manifestBytes: manifest.bytes,
    manifestPath: 'castellan.pack.json',
    builder: 'castellan-test',
    sourceRevision: 'test-rev',
  });
}

/** Changes the itops manifest inside an archive and rebuilds the archive canonically. */
export function withManifest(
  archive: Buffer,
  change: (manifest: Record<string, any>) => void,
): Buffer {
  const entries = readArchive(archive).map((entry) => {
    if (entry.path !== 'castellan.pack.json') return entry;
    const manifest = JSON.parse(entry.bytes.toString('utf8'));
    change(manifest);
    return { path: entry.path, bytes: Buffer.from(JSON.stringify(manifest)) };
  });
  return buildArchive(entries).bytes;
}

/** A header with canonical fields, overridden as a hostile archive needs. */
export function header(overrides: Partial<TarHeader>): TarHeader {
  return {
    path: 'file.txt',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 0,
    type: '0',
    linkName: '',
    uname: '',
    gname: '',
    devMajor: 0,
    devMinor: 0,
    ...overrides,
  };
}

/** An archive made of raw entries, each a header and its content, as a hostile tool would write. */
export function rawArchive(entries: Array<{ header: Partial<TarHeader>; bytes?: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const bytes = entry.bytes ?? Buffer.alloc(0);
    parts.push(encodeHeader(header({ size: bytes.length, ...entry.header })), bytes);
    parts.push(Buffer.alloc((BLOCK - (bytes.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
