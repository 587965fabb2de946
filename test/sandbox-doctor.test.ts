/**
 * `castellan doctor` on the sandbox, through the real CLI: a working sandbox reports every
 * control (namespaces, seccomp, limits, the egress proxy); a host without bubblewrap, or one that
 * blocks user namespaces, gets a failing check with the exact fix. The blocked host is simulated
 * by a stand-in bwrap that prints bubblewrap's own message for that case and exits 1.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castellan } from './support/cli.js';
import { patchConfig, temporaryFolder } from './support/home.js';

type Check = { name: string; ok: boolean; detail: string; fix?: string };

/** bubblewrap 0.8's message when the kernel refuses it a user namespace. */
const userNamespaceRefusal =
  'bwrap: No permissions to creating new namespace, likely because the kernel does not allow ' +
  "non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl " +
  "kernel.unprivileged_userns_clone=1'.";

describe('castellan doctor on the sandbox', () => {
  const folder = temporaryFolder();
  const home = join(folder.path, 'home');
  const original = () =>
    JSON.parse(readFileSync(join(home, 'castellan.json'), 'utf8')) as {
      sandbox?: Record<string, unknown>;
    };
  let settings: ReturnType<typeof original>;

  const doctorWith = async (sandbox: Record<string, unknown>) => {
    patchConfig(home, { sandbox: { ...settings.sandbox, ...sandbox } });
    const result = await castellan(['doctor', '--home', home, '--json']);
    const checks = (result.json?.checks ?? []) as Check[];
    return { result, check: (name: string) => checks.find((entry) => entry.name === name) };
  };

  beforeAll(async () => {
    const init = await castellan(['init', '--home', home]);
    expect(init.code, init.stderr).toBe(0);
    settings = original();
  }, 60_000);
  afterAll(() => folder.remove());

  it('reports namespaces, seccomp, limits and the egress proxy as working on this host', async () => {
    const { result, check } = await doctorWith({});
    // Only the sandbox's checks: the store, policy and packs checks belong to other suites.
    const sandbox = (result.json.checks as Check[]).filter((entry) =>
      entry.name.startsWith('sandbox: '),
    );
    expect(
      sandbox.filter((entry) => !entry.ok),
      JSON.stringify(result.json),
    ).toEqual([]);
    for (const name of ['namespaces', 'seccomp', 'resource-limits', 'egress-proxy']) {
      expect(check(`sandbox: ${name}`), name).toMatchObject({ ok: true });
    }
    expect(check('sandbox: seccomp')?.detail).toMatch(/Seccomp: 2 inside/);
  });

  it('says to install bubblewrap when the configured bwrap does not exist', async () => {
    const { result, check } = await doctorWith({ bwrapPath: '/nonexistent/bwrap' });
    expect(result.code).toBe(1);
    expect(result.json.ok).toBe(false);
    expect(check('sandbox: bwrap-installed')).toMatchObject({
      ok: false,
      detail: 'no executable bubblewrap at /nonexistent/bwrap',
      fix: expect.stringMatching(/apt-get install bubblewrap/),
    });
  });

  it('says how to allow user namespaces when bwrap cannot create one', async () => {
    const fake = join(folder.path, 'bwrap-without-userns');
    writeFileSync(fake, `#!/bin/sh\necho "${userNamespaceRefusal}" >&2\nexit 1\n`);
    chmodSync(fake, 0o755);
    const { result, check } = await doctorWith({ bwrapPath: fake });
    expect(result.code).toBe(1);
    const failed = check('sandbox: user-namespaces');
    expect(failed).toMatchObject({ ok: false });
    expect(failed?.detail).toMatch(/No permissions to creating new namespace/);
    expect(failed?.fix).toMatch(/sysctl -w kernel\.unprivileged_userns_clone=1/);
    expect(failed?.fix).toMatch(/user\.max_user_namespaces/);
  });
});
