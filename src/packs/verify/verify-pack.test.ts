import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/index.js';
import { readArchive } from '../archive/read-archive.js';
import {
  aPublisher,
  rawArchive,
  signedItops,
  signStatement,
  statementFor,
  withManifest,
} from '../__fixtures__/signed-pack.js';
import { signPackArchive } from '../signing/sign-pack.js';
import { verifyPack, verifyPackReport, type VerifyPackInput } from './verify-pack.js';

function codeOf(input: VerifyPackInput): string | undefined {
  const report = verifyPackReport(input);
  return report.error?.code;
}

describe('verifyPack', () => {
  it.each(['ed25519', 'ecdsa-p256'] as const)(
    'accepts a pack signed with a trusted %s key and says who signed it',
    async (algorithm) => {
      const signed = await signedItops(algorithm);
      const verified = verifyPack({
        archive: signed.archive,
        envelope: signed.text,
        trustedKeys: [signed.publisher.trusted],
      });
      expect(verified.manifest.name).toBe('@castellan/itops');
      expect(verified.archiveDigest).toBe(`sha256:${sha256Hex(signed.archive)}`);
      expect(verified.signer.keyId).toBe(signed.publisher.pair.keyId);
      expect(verified.statement.predicate).toMatchObject({
        builder: { id: 'castellan-test' },
        sourceRevision: 'test-rev',
      });
    },
  );

  it('reports every check it ran, in order', async () => {
    const signed = await signedItops();
    const report = verifyPackReport({
      archive: signed.archive,
      envelope: signed.text,
      trustedKeys: [signed.publisher.trusted],
    });
    expect(report.checks.map((check) => check.check)).toEqual([
      'envelope',
      'payload-type',
      'signature',
      'statement',
      'subject',
      'archive',
      'manifest',
      'publisher',
      'rollback',
    ]);
    expect(report.checks.every((check) => check.ok)).toBe(true);
  });

  it('refuses a tampered archive (one byte changed after signing)', async () => {
    const signed = await signedItops();
    const archive = Buffer.from(signed.archive);
    archive[600] = (archive[600] ?? 0) ^ 1;
    const input = { archive, envelope: signed.text, trustedKeys: [signed.publisher.trusted] };
    expect(codeOf(input)).toBe('subject-digest-mismatch');
    expect(() => verifyPack(input)).toThrow(/archive's SHA-256 is .* the signed statement names/);
  });

  it('refuses a tampered manifest that the statement does not describe', async () => {
    const signed = await signedItops();
    const original = readArchive(signed.archive);
    // The publisher's key signs a statement about the new archive, but carrying the old
    // manifest's digest: the manifest inside is not the one the predicate names.
    const archive = withManifest(signed.archive, (manifest) => {
      manifest.tools[0].scopes = ['itops:everything.write'];
    });
    const statement = statementFor(archive, original);
    const envelope = signStatement(statement, signed.publisher.key);
    expect(
      codeOf({
        archive,
        envelope: JSON.stringify(envelope),
        trustedKeys: [signed.publisher.trusted],
      }),
    ).toBe('manifest-digest-mismatch');
  });

  it('refuses a manifest whose name or version differs from the statement', async () => {
    const signed = await signedItops();
    const archive = withManifest(signed.archive, (manifest) => {
      manifest.version = '9.9.9';
    });
    const statement = statementFor(archive, readArchive(archive));
    statement.predicate.pack.version = '0.1.0';
    const envelope = signStatement(statement, signed.publisher.key);
    expect(
      codeOf({
        archive,
        envelope: JSON.stringify(envelope),
        trustedKeys: [signed.publisher.trusted],
      }),
    ).toBe('manifest-mismatch');
  });

  it('refuses a swapped payload type', async () => {
    const signed = await signedItops();
    const envelope = { ...signed.envelope, payloadType: 'application/json' };
    expect(
      codeOf({
        archive: signed.archive,
        envelope: JSON.stringify(envelope),
        trustedKeys: [signed.publisher.trusted],
      }),
    ).toBe('payload-type-not-allowed');
  });

  it('refuses a payload type changed to another allowed-looking one, by the signature (PAE binds the type)', async () => {
    const signed = await signedItops();
    // Signed over another type, then relabelled as in-toto: PAE differs, the signature fails.
    const other = signStatement(signed.statement, signed.publisher.key, 'application/x-other');
    const relabelled = { ...other, payloadType: 'application/vnd.in-toto+json' };
    expect(
      codeOf({
        archive: signed.archive,
        envelope: JSON.stringify(relabelled),
        trustedKeys: [signed.publisher.trusted],
      }),
    ).toBe('signature-not-trusted');
  });

  it('refuses a signature by an untrusted key', async () => {
    const signed = await signedItops();
    const stranger = aPublisher();
    expect(
      codeOf({ archive: signed.archive, envelope: signed.text, trustedKeys: [stranger.trusted] }),
    ).toBe('signature-not-trusted');
  });

  it('refuses a key id that names a trusted key when another key made the signature', async () => {
    const signed = await signedItops();
    const attacker = aPublisher();
    const { envelope } = signPackArchive(signed.archive, attacker.key, {
      builder: 'evil',
      sourceRevision: 'x',
    });
    const spoofed = {
      ...envelope,
      signatures: [{ keyid: signed.publisher.pair.keyId, sig: envelope.signatures[0]?.sig ?? '' }],
    };
    const input = {
      archive: signed.archive,
      envelope: JSON.stringify(spoofed),
      trustedKeys: [signed.publisher.trusted],
    };
    expect(codeOf(input)).toBe('signature-not-trusted');
    expect(() => verifyPack(input)).toThrow(/names are not proof/);
  });

  it('accepts a valid signature whose key id is wrong or missing (the key id is only a hint)', async () => {
    const signed = await signedItops();
    const envelope = {
      ...signed.envelope,
      signatures: [{ keyid: 'whatever', sig: signed.envelope.signatures[0]?.sig ?? '' }],
    };
    expect(
      codeOf({
        archive: signed.archive,
        envelope: JSON.stringify(envelope),
        trustedKeys: [aPublisher().trusted, signed.publisher.trusted],
      }),
    ).toBeUndefined();
  });

  it('refuses a statement whose subject digest is not the archive', async () => {
    const signed = await signedItops();
    const statement = structuredClone(signed.statement);
    statement.subject[0]!.digest.sha256 = 'f'.repeat(64);
    const envelope = signStatement(statement, signed.publisher.key);
    expect(
      codeOf({
        archive: signed.archive,
        envelope: JSON.stringify(envelope),
        trustedKeys: [signed.publisher.trusted],
      }),
    ).toBe('subject-digest-mismatch');
  });

  it('refuses a wrong predicate type, and a statement that is not in-toto v1', async () => {
    const signed = await signedItops();
    const slsa = { ...signed.statement, predicateType: 'https://slsa.dev/provenance/v1' };
    const trustedKeys = [signed.publisher.trusted];
    expect(
      codeOf({
        archive: signed.archive,
        envelope: JSON.stringify(signStatement(slsa, signed.publisher.key)),
        trustedKeys,
      }),
    ).toBe('predicate-type-not-allowed');
    const old = { ...signed.statement, _type: 'https://in-toto.io/Statement/v0.1' };
    expect(
      codeOf({
        archive: signed.archive,
        envelope: JSON.stringify(signStatement(old, signed.publisher.key)),
        trustedKeys,
      }),
    ).toBe('malformed-statement');
  });

  it('refuses a publisher the key is not trusted for, and a name outside its scope', async () => {
    const signed = await signedItops();
    const otherPublisher = { ...signed.publisher.trusted, publisher: 'acme' };
    expect(
      codeOf({ archive: signed.archive, envelope: signed.text, trustedKeys: [otherPublisher] }),
    ).toBe('publisher-not-allowed');
    const otherNames = { ...signed.publisher.trusted, names: ['@acme/*', '@castellan/other'] };
    expect(
      codeOf({ archive: signed.archive, envelope: signed.text, trustedKeys: [otherNames] }),
    ).toBe('publisher-not-allowed');
    const exact = { ...signed.publisher.trusted, names: ['@castellan/itops'] };
    expect(
      codeOf({ archive: signed.archive, envelope: signed.text, trustedKeys: [exact] }),
    ).toBeUndefined();
  });

  it('refuses a version lower than one admitted, and a changed pack under an admitted version', async () => {
    const signed = await signedItops();
    const base = {
      archive: signed.archive,
      envelope: signed.text,
      trustedKeys: [signed.publisher.trusted],
    };
    expect(codeOf({ ...base, admitted: () => [{ version: '0.2.0', digest: 'sha256:x' }] })).toBe(
      'version-rollback',
    );
    expect(
      codeOf({ ...base, admitted: () => [{ version: '0.1.0', digest: 'sha256:other' }] }),
    ).toBe('version-conflict');
    const digest = `sha256:${sha256Hex(signed.archive)}`;
    expect(
      codeOf({
        ...base,
        admitted: () => [
          { version: '0.1.0', digest },
          { version: '0.0.9', digest: 'x' },
        ],
      }),
    ).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"payloadType":'],
    ['an array', '[]'],
    [
      'no signatures',
      '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}',
    ],
    [
      'an unknown field',
      '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}],"extra":1}',
    ],
    [
      'loose base64',
      '{"payloadType":"application/vnd.in-toto+json","payload":"e30 =","signatures":[{"keyid":"","sig":"AA=="}]}',
    ],
    [
      'a __proto__ key',
      '{"__proto__":{},"payloadType":"a","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}',
    ],
    ['an oversized envelope', `{"payloadType":"${'a'.repeat(70_000)}"}`],
  ])('refuses a malformed envelope: %s', async (_what, text) => {
    const signed = await signedItops();
    expect(
      codeOf({ archive: signed.archive, envelope: text, trustedKeys: [signed.publisher.trusted] }),
    ).toBe('malformed-envelope');
  });

  it('refuses when the trust store holds no key', async () => {
    const signed = await signedItops();
    expect(codeOf({ archive: signed.archive, envelope: signed.text, trustedKeys: [] })).toBe(
      'no-trusted-keys',
    );
  });

  it.each([
    ['a path traversal entry', { path: '../../home/user/.bashrc' }, 'archive-path-traversal'],
    [
      'a symlink entry',
      { path: 'SKILL.md', type: '2', linkName: '/etc/shadow' },
      'archive-link-entry',
    ],
    ['a device file', { path: 'dev', type: '3' }, 'archive-special-entry'],
  ])('refuses %s even when a trusted key signed the archive', (_what, hostile, code) => {
    const publisher = aPublisher();
    const archive = rawArchive([{ header: hostile, bytes: Buffer.from('x') }]);
    // A trusted (or stolen) key signs exactly these bytes: the archive checks still refuse them.
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: '@castellan/itops@0.1.0', digest: { sha256: sha256Hex(archive) } }],
      predicateType: 'https://castellan.dev/attestations/pack-build/v1',
      predicate: {
        pack: { name: '@castellan/itops', version: '0.1.0', publisher: 'castellan' },
        manifest: { path: 'castellan.pack.json', digest: { sha256: 'a'.repeat(64) } },
        builder: { id: 'x' },
        sourceRevision: 'x',
      },
    };
    const envelope = signStatement(statement, publisher.key);
    expect(
      codeOf({ archive, envelope: JSON.stringify(envelope), trustedKeys: [publisher.trusted] }),
    ).toBe(code);
  });

  it('refuses an oversized archive before checking anything inside it', async () => {
    const signed = await signedItops();
    const huge = Buffer.alloc(40 * 1024 * 1024);
    const statement = {
      ...signed.statement,
      subject: [{ name: '@castellan/itops@0.1.0', digest: { sha256: sha256Hex(huge) } }],
    };
    const envelope = signStatement(statement, signed.publisher.key);
    expect(
      codeOf({
        archive: huge,
        envelope: JSON.stringify(envelope),
        trustedKeys: [signed.publisher.trusted],
      }),
    ).toBe('archive-too-large');
  });
});
