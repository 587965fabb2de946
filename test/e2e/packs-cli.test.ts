/**
 * The packs commands as a publisher, a security-admin and approvers use them, each in its own
 * process: build twice to the same bytes, keygen with a 0600 private key, sign, verify offline
 * and against the home, refuse a tampered archive with exit code 3, trust, publish, promote
 * with two approvers, quarantine (visible in list) and release with approval.
 */
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_PACKS_DIR } from '../../src/api/index.js';
import { castellan } from '../support/cli.js';
import { temporaryFolder } from '../support/home.js';

describe('packs through the CLI', () => {
  const folder = temporaryFolder();
  const home = join(folder.path, 'home');
  const at = (...parts: string[]) => join(folder.path, ...parts);
  const as = (user: string) => ['--as', user, '--home', home, '--json'];

  beforeAll(async () => {
    expect((await castellan(['init', '--home', home])).code).toBe(0);
    // A new version of the shipped pack, as a publisher of another organisation would bring it.
    cpSync(join(SHIPPED_PACKS_DIR, 'itops'), at('src'), { recursive: true });
    const manifestFile = at('src', 'castellan.pack.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      manifestFile,
      JSON.stringify({ ...manifest, name: '@acme/itops', publisher: 'acme', version: '1.0.0' }),
    );
  }, 120_000);
  afterAll(() => folder.remove());

  it(
    'builds the same archive twice, signs it and verifies it offline',
    { timeout: 120_000 },
    async () => {
      const first = await castellan(['packs', 'build', at('src'), '--out', at('a.tar'), '--json']);
      const second = await castellan(['packs', 'build', at('src'), '--out', at('b.tar'), '--json']);
      expect(first.code, first.stderr).toBe(0);
      expect(second.json.digest).toBe(first.json.digest);
      expect(readFileSync(at('a.tar')).equals(readFileSync(at('b.tar')))).toBe(true);

      const keygen = await castellan([
        'packs',
        'keygen',
        '--algorithm',
        'ecdsa-p256',
        '--out',
        at('acme'),
        '--json',
      ]);
      expect(keygen.code, keygen.stderr).toBe(0);
      expect(statSync(at('acme.key')).mode & 0o777).toBe(0o600);
      const again = await castellan(['packs', 'keygen', '--out', at('acme')]);
      expect(again.code).toBe(2); // never overwrites a key

      const signed = await castellan([
        'packs',
        'sign',
        at('a.tar'),
        '--key',
        at('acme.key'),
        '--source-revision',
        'abc123',
        '--json',
      ]);
      expect(signed.code, signed.stderr).toBe(0);
      const verify = await castellan([
        'packs',
        'verify',
        at('a.tar'),
        '--trusted-key',
        at('acme.pub'),
        '--publisher',
        'acme',
        '--names',
        '@acme/*',
        '--json',
      ]);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.json).toMatchObject({ ok: true, digest: first.json.digest });
    },
  );

  it(
    'refuses a tampered archive with exit code 3 and names the failed check',
    { timeout: 60_000 },
    async () => {
      const tampered = Buffer.from(readFileSync(at('a.tar')));
      tampered[700] = (tampered[700] ?? 0) ^ 1;
      writeFileSync(at('t.tar'), tampered);
      const verify = await castellan([
        'packs',
        'verify',
        at('t.tar'),
        '--envelope',
        at('a.tar.dsse.json'),
        '--trusted-key',
        at('acme.pub'),
        '--publisher',
        'acme',
        '--names',
        '@acme/*',
        '--json',
      ]);
      expect(verify.code).toBe(3);
      expect(verify.json.checks.at(-1)).toMatchObject({
        check: 'subject',
        ok: false,
        code: 'subject-digest-mismatch',
      });
    },
  );

  it('refuses to publish before a security-admin trusts the key, then publishes', async () => {
    const untrusted = await castellan(['packs', 'publish', at('a.tar'), ...as('publisher')]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/signature-not-trusted/);

    const byPublisher = await castellan([
      'packs',
      'trust',
      'add',
      at('acme.pub'),
      '--env',
      'dev',
      '--publisher',
      'acme',
      '--names',
      '@acme/*',
      ...as('publisher'),
    ]);
    expect(byPublisher.code).toBe(3);
    for (const env of ['dev', 'prod']) {
      const trust = await castellan([
        'packs',
        'trust',
        'add',
        at('acme.pub'),
        '--env',
        env,
        '--publisher',
        'acme',
        '--names',
        '@acme/*',
        ...as('secadmin'),
      ]);
      expect(trust.code, trust.stderr).toBe(0);
    }
    const published = await castellan(['packs', 'publish', at('a.tar'), ...as('publisher')]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.json).toMatchObject({
      name: '@acme/itops',
      version: '1.0.0',
      publishedBy: 'publisher',
    });
  }, 180_000);

  it('promotes to prod with two approvers and records them', async () => {
    const promote = await castellan([
      'packs',
      'promote',
      '@acme/itops@1.0.0',
      '--env',
      'prod',
      ...as('publisher'),
    ]);
    expect(promote.code).toBe(4);
    const approvalId = promote.json.approval.id as string;
    expect((await castellan(['packs', 'approve', approvalId, ...as('approver')])).code).toBe(4);
    const done = await castellan(['packs', 'approve', approvalId, ...as('approver2')]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.json).toMatchObject({ applied: 'promoted' });
    const shown = await castellan(['packs', 'show', '@acme/itops@1.0.0', ...as('auditor')]);
    expect(
      shown.json.admissions.find((row: { environment: string }) => row.environment === 'prod'),
    ).toMatchObject({ approvers: ['approver', 'approver2'] });
  }, 180_000);

  it('quarantines at once, shows it in the list, and releases only with an approver', async () => {
    const noReason = await castellan([
      'packs',
      'quarantine',
      '@acme/itops@1.0.0',
      '--reason',
      ' ',
      ...as('secadmin'),
    ]);
    expect(noReason.code).toBe(2);
    const quarantine = await castellan([
      'packs',
      'quarantine',
      '@acme/itops@1.0.0',
      '--reason',
      'typosquat report',
      ...as('secadmin'),
    ]);
    expect(quarantine.code, quarantine.stderr).toBe(0);
    const listed = await castellan(['packs', 'list', ...as('operator')]);
    expect(
      listed.json.packs.find((pack: { name: string }) => pack.name === '@acme/itops'),
    ).toMatchObject({ quarantine: { reason: 'typosquat report' } });

    const release = await castellan([
      'packs',
      'release',
      '@acme/itops@1.0.0',
      '--reason',
      'cleared',
      ...as('secadmin'),
    ]);
    expect(release.code).toBe(4);
    const released = await castellan([
      'packs',
      'approve',
      release.json.approval.id,
      ...as('approver'),
    ]);
    expect(released.json).toMatchObject({ applied: 'released' });
    const after = await castellan(['packs', 'list', ...as('operator')]);
    expect(
      after.json.packs.find((pack: { name: string }) => pack.name === '@acme/itops').quarantine,
    ).toBeNull();

    const verifyHome = await castellan([
      'packs',
      'verify',
      at('a.tar'),
      '--env',
      'prod',
      '--home',
      home,
      '--json',
    ]);
    expect(verifyHome.json.ok).toBe(true);
  }, 180_000);

  it('says what is wrong with bad input and changes nothing', { timeout: 120_000 }, async () => {
    const bad = await castellan(['packs', 'show', 'not a pack', ...as('operator')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a pack version such as/);
    const remote = await castellan([
      'packs',
      'list',
      '--server',
      'http://127.0.0.1:1',
      '--as',
      'operator',
      '--home',
      home,
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/local home/);
  });
});
