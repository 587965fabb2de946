/**
 * Bad input through the CLI: each case gets a one-line error that says what was wrong, a usage
 * or failure exit code, no stack trace, and changes nothing (no run recorded, audit still valid).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castellan } from '../support/cli.js';
import { temporaryFolder } from '../support/home.js';

describe('bad input through the CLI', () => {
  const folder = temporaryFolder();
  const home = join(folder.path, 'home');
  const file = (name: string, text: string) => {
    const path = join(folder.path, name);
    writeFileSync(path, text);
    return path;
  };

  // What init records: the home, the policies, and the shipped packs signed, published and
  // promoted (trust, publication, approvals); bad input must add nothing to it.
  let entriesAfterInit = 0;

  beforeAll(async () => {
    expect((await castellan(['init', '--home', home])).code).toBe(0);
    const verify = await castellan([
      'audit',
      'verify',
      '--as',
      'auditor',
      '--home',
      home,
      '--json',
    ]);
    entriesAfterInit = verify.json.entries as number;
    expect(entriesAfterInit).toBeGreaterThan(2);
  }, 60_000);
  afterAll(() => folder.remove());

  async function runsAndAuditUnchanged(): Promise<void> {
    const runs = await castellan(['runs', 'list', '--as', 'operator', '--home', home, '--json']);
    expect(runs.json.runs).toEqual([]);
    const verify = await castellan([
      'audit',
      'verify',
      '--as',
      'auditor',
      '--home',
      home,
      '--json',
    ]);
    expect(verify.json).toMatchObject({ ok: true, entries: entriesAfterInit });
  }

  it('refuses to initialise over an existing home without --force, and keeps its keys', async () => {
    const credentials = readFileSync(join(home, 'credentials.json'), 'utf8');
    const again = await castellan(['init', '--home', home]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a Castellan home; pass --force/);
    expect(readFileSync(join(home, 'credentials.json'), 'utf8')).toBe(credentials);
  });

  it('names the known agents when the agent is unknown', async () => {
    const result = await castellan([
      'run',
      'no-such-agent',
      'do it',
      '--as',
      'operator',
      '--home',
      home,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /no agent "no-such-agent"; agents: .*\bitops-agent, itops-readonly\b/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the local users when the user is unknown', async () => {
    const result = await castellan(['runs', 'list', '--as', 'mallory', '--home', home]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no local user "mallory"; local users: admin, operator/);
  });

  it('says which script file is not JSON, and which field of a script is wrong', async () => {
    const broken = await castellan([
      'run',
      'itops-agent',
      'x',
      '--as',
      'operator',
      '--home',
      home,
      '--script',
      file('broken.json', '[{"tool": '),
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);
    const wrong = await castellan([
      'run',
      'itops-agent',
      'x',
      '--as',
      'operator',
      '--home',
      home,
      '--script',
      file('wrong.json', '[{"tool": 5}]'),
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/script\.0\.tool/);
    const missing = await castellan([
      'run',
      'itops-agent',
      'x',
      '--as',
      'operator',
      '--home',
      home,
      '--script',
      join(folder.path, 'absent.json'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the script file/);
  });

  it('refuses a role without the permission, and an empty prompt', async () => {
    const auditor = await castellan(['run', 'itops-agent', 'x', '--as', 'auditor', '--home', home]);
    expect(auditor.code).toBe(3);
    expect(auditor.stderr).toMatch(/auditor may not run\.start/);
    const empty = await castellan(['run', 'itops-agent', '', '--as', 'operator', '--home', home]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/prompt/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await castellan(['frobnicate', '--home', home])).code).toBe(2);
    expect((await castellan(['runs', 'list', '--colour', '--home', home])).code).toBe(2);
  });

  it('changed nothing while refusing all of the above', async () => {
    await runsAndAuditUnchanged();
  });

  it('denies a tool call whose arguments fail the schema, recording the denial', async () => {
    const script = file(
      'bad-args.json',
      JSON.stringify([{ tool: 'itops/restart-service', args: { service: '../../etc/passwd' } }]),
    );
    const result = await castellan([
      'run',
      'itops-agent',
      'x',
      '--as',
      'operator',
      '--home',
      home,
      '--script',
      script,
      '--json',
    ]);
    expect(result.code).toBe(3);
    expect(result.json.reason).toMatch(
      /arguments do not fit @castellan\/itops\/restart-service: .*service/,
    );
    const verify = await castellan([
      'audit',
      'verify',
      '--as',
      'auditor',
      '--home',
      home,
      '--json',
    ]);
    expect(verify.json.ok).toBe(true);
    const audit = await castellan([
      'audit',
      'show',
      '--run',
      result.json.runId,
      '--as',
      'auditor',
      '--home',
      home,
      '--json',
    ]);
    expect(JSON.stringify(audit.json.entries)).not.toContain('../../etc/passwd');
  });

  it('says how to fix a missing home', async () => {
    const result = await castellan([
      'runs',
      'list',
      '--as',
      'operator',
      '--home',
      join(folder.path, 'nowhere'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no Castellan home at .*nowhere: run `castellan init`/);
    expect(existsSync(join(folder.path, 'nowhere'))).toBe(false);
  });

  it('names the bad key of a corrupt config, and says when it is not JSON', async () => {
    const other = join(folder.path, 'other');
    expect((await castellan(['init', '--home', other])).code).toBe(0);
    const config = JSON.parse(readFileSync(join(other, 'castellan.json'), 'utf8'));
    writeFileSync(
      join(other, 'castellan.json'),
      JSON.stringify({ ...config, environment: 'production', tokens: { ttlSeconds: 99999 } }),
    );
    const invalid = await castellan(['runs', 'list', '--as', 'operator', '--home', other]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/environment: /);
    expect(invalid.stderr).toMatch(/tokens\.ttlSeconds/);
    writeFileSync(join(other, 'castellan.json'), '{ not json');
    const unreadable = await castellan(['runs', 'list', '--as', 'operator', '--home', other]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/castellan\.json is not valid JSON/);
  }, 60_000);

  it('reports a missing home in doctor with the fix', async () => {
    const result = await castellan(['doctor', '--home', join(folder.path, 'nowhere'), '--json']);
    expect(result.code).toBe(1);
    expect(result.json.checks[0]).toMatchObject({ name: 'home', ok: false });
    expect(result.json.checks[0].fix).toMatch(/castellan init/);
  });

  it('reports a working home in doctor, sandbox included', async () => {
    const result = await castellan(['doctor', '--home', home, '--json']);
    expect(result.code, JSON.stringify(result.json)).toBe(0);
    const names = (result.json.checks as Array<{ name: string; ok: boolean }>).map(
      (check) => check.name,
    );
    expect(names).toEqual(expect.arrayContaining(['store', 'policy', 'packs']));
    expect(names.some((name) => name.startsWith('sandbox'))).toBe(true);
  });
});
