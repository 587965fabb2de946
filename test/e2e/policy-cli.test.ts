/**
 * The policy commands as a security admin uses them: validate, apply (tightening at once,
 * weakening held with exit code 4), list, show, diff, shadow, shadow-report and replay, each a
 * separate process on one home.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castellan } from '../support/cli.js';
import { temporaryFolder } from '../support/home.js';

// Each step is a new process (tsx start-up): a few seconds apiece on a busy 2-core machine.
describe('castellan policy', { timeout: 240_000 }, () => {
  const folder = temporaryFolder('castellan-policy-cli-');
  const home = join(folder.path, 'home');
  const tighter = join(folder.path, 'tighter');
  const run = (args: string[]) =>
    castellan([...args, '--home', home, '--as', 'secadmin', '--json']);

  beforeAll(async () => {
    const init = await castellan(['init', '--home', home, '--json']);
    expect(init.code, init.stderr).toBe(0);
    await cp(join(home, 'policies'), tighter, { recursive: true });
    await writeFile(
      join(tighter, 'prod.cedar'),
      `@id("no-restarts-in-prod") forbid (principal, action == Castellan::Action::"@castellan/itops/restart-service", resource)
when { context.environment == "prod" };\n`,
    );
  }, 120_000);

  afterAll(async () => {
    await rm(folder.path, { recursive: true, force: true });
  });

  it("validates a folder, and refuses one naming an unknown attribute with Cedar's message", async () => {
    const good = await run(['policy', 'validate', tighter]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.json.policies).toContain('no-restarts-in-prod');
    const badDir = join(folder.path, 'bad');
    await mkdir(badDir);
    await writeFile(
      join(badDir, 'x.cedar'),
      '@id("x") permit (principal, action, resource) when { context.nope };\n',
    );
    const bad = await run(['policy', 'validate', badDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/x\.cedar:1 @id\("x"\).*attribute `nope`/);
  });

  it('applies a tightening set, holds the weakening one, and lists, shows and diffs versions', async () => {
    const applied = await run(['policy', 'apply', tighter]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.json).toMatchObject({ status: 'applied', version: 2 });
    const weakening = await run(['policy', 'apply', join(home, 'policies')]);
    expect(weakening.code).toBe(4);
    expect(weakening.json).toMatchObject({ status: 'awaiting-approval', version: 3 });
    const list = await run(['policy', 'list']);
    expect(
      list.json.versions.map((item: { version: number; active: boolean }) => [
        item.version,
        item.active,
      ]),
    ).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    const shown = await run(['policy', 'show', '2']);
    expect(shown.json.texts['prod.cedar']).toContain('no-restarts-in-prod');
    const diff = await run(['policy', 'diff', '2', '3']);
    expect(diff.json.weakening.map((change: { id: string }) => change.id)).toEqual([
      'no-restarts-in-prod',
    ]);
    const self = await run(['policy', 'approve', weakening.json.approvalId]);
    expect(self.code).not.toBe(0);
    expect(self.stderr).toMatch(/cannot decide/);
  });

  it('runs a shadow set, reports on it, and replays the log under a candidate', async () => {
    const shadow = await run(['policy', 'shadow', tighter]);
    expect(shadow.code, shadow.stderr).toBe(0);
    const report = await run(['policy', 'shadow-report']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.json).toMatchObject({ changed: [] });
    const replay = await run(['policy', 'replay', '--candidate', tighter, '--since', '1']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.json).toMatchObject({ changed: [] });
    const cleared = await run(['policy', 'shadow', '--clear']);
    expect(cleared.json).toEqual({ version: null });
  });
});
