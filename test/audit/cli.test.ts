import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castellan, REPO_ROOT } from '../support/cli.js';
import { patchConfig, temporaryFolder } from '../support/home.js';

/** Runs tools/verify-audit.mjs as an auditor would. */
function auditorTool(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(REPO_ROOT, 'tools/verify-audit.mjs'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout }));
  });
}

describe('castellan audit, through the CLI', () => {
  const folder = temporaryFolder('castellan-audit-cli-');
  const home = join(folder.path, 'home');
  const as = (user: string) => ['--as', user, '--home', home];

  beforeAll(async () => {
    expect((await castellan(['init', '--home', home])).code).toBe(0);
    patchConfig(home, { audit: { witnesses: [{ kind: 'file', path: 'witness.jsonl' }] } });
  }, 120_000);
  afterAll(() => folder.remove());

  it('signs a checkpoint, proves an entry and a consistency, and verifies against the witness copy', async () => {
    const first = await castellan(['audit', 'checkpoint', ...as('secadmin'), '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({ created: true, published: [{ ok: true }] });
    const size = first.json.checkpoint.size as number;
    await castellan([
      'audit',
      'hold',
      'add',
      '--query',
      'type=run-created',
      '--reason',
      'matter 7',
      ...as('auditor'),
    ]);
    const second = await castellan(['audit', 'checkpoint', ...as('secadmin'), '--json']);
    expect(second.json.checkpoint.size).toBeGreaterThan(size);

    const key = await castellan(['audit', 'key', ...as('auditor'), '--json']);
    expect(key.json.verifierKey).toMatch(/^castellan\.local\/default\+[0-9a-f]{8}\+/);
    const proof = await castellan(['audit', 'proof', '2', ...as('auditor'), '--json']);
    expect(proof.code, proof.stderr).toBe(0);
    expect(proof.json).toMatchObject({
      seq: 2,
      proof: { index: 1, size: second.json.checkpoint.size },
    });
    expect(proof.json.checkpoint.note).toContain(`\n\n\u2014 castellan.local/default `);
    const consistency = await castellan([
      'audit',
      'consistency',
      String(size),
      String(second.json.checkpoint.size),
      ...as('auditor'),
      '--json',
    ]);
    expect(consistency.code, consistency.stderr).toBe(0);
    expect(consistency.json.from.note).toBe(first.json.checkpoint.note);
    expect(consistency.json.path.length).toBeGreaterThan(0);

    const verify = await castellan([
      'audit',
      'verify',
      '--witness',
      join(home, 'witness.jsonl'),
      ...as('auditor'),
      '--json',
    ]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, witnessed: 2, checkpoints: 2 });

    const exported = await castellan(['audit', 'export', ...as('auditor')]);
    expect(exported.code, exported.stderr).toBe(0);
    const exportPath = join(folder.path, 'export.jsonl');
    writeFileSync(exportPath, exported.stdout);
    const tool = await auditorTool([
      exportPath,
      '--vkey',
      key.json.verifierKey as string,
      '--witness',
      join(home, 'witness.jsonl'),
      '--json',
    ]);
    expect(tool.code, tool.stdout).toBe(0);
    expect(JSON.parse(tool.stdout)).toMatchObject({ ok: true, witnessed: 2 });
    const ocsf = await castellan([
      'audit',
      'export',
      '--format',
      'ocsf',
      '--since',
      '2',
      ...as('auditor'),
    ]);
    const events = ocsf.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { metadata: { sequence: number } });
    expect(events[0]?.metadata.sequence).toBe(2);
  }, 180_000);

  it('answers bad input, missing checkpoints, missing roles and --server with clear errors', async () => {
    const word = await castellan(['audit', 'proof', 'two', ...as('auditor')]);
    expect(word.code).toBe(2);
    expect(word.stderr).toMatch(/seq/);
    const far = await castellan(['audit', 'proof', '999999', ...as('auditor')]);
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/no checkpoint covers 999999/);
    const operator = await castellan([
      'audit',
      'hold',
      'add',
      '--run',
      'run_x',
      '--reason',
      'x',
      ...as('operator'),
    ]);
    expect(operator.code).toBe(3);
    expect(operator.stderr).toMatch(/may not audit\.hold/);
    const remote = await castellan([
      'audit',
      'proof',
      '1',
      '--server',
      'http://127.0.0.1:9',
      ...as('auditor'),
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/not offered over --server/);
    const badFormat = await castellan(['audit', 'export', '--format', 'csv', ...as('auditor')]);
    expect(badFormat.code).toBe(2);
  }, 120_000);
});
