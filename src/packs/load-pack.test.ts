import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyOfItops, editManifest, itopsPackDir } from './__fixtures__/pack-folder.js';
import { PackError, loadPackFromDir, packLimits } from './index.js';

const copies: Array<{ dispose(): Promise<void> }> = [];
async function copy() {
  const folder = await copyOfItops();
  copies.push(folder);
  return folder;
}
afterEach(async () => {
  await Promise.all(copies.splice(0).map((folder) => folder.dispose()));
});

async function failure(dir: string): Promise<PackError> {
  const error = await loadPackFromDir(dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PackError);
  return error as PackError;
}

describe('loadPackFromDir', () => {
  it('loads every tool of the itops pack with ids, instructions and an unsigned flag', async () => {
    const pack = await loadPackFromDir(itopsPackDir);
    expect(pack.manifest.name).toBe('@castellan/itops');
    expect(pack.manifest.version).toBe('0.1.0');
    expect(pack.signed).toBe(false);
    expect(pack.instructions).toContain('Never restart without a diagnosis');
    expect([...pack.tools.keys()].sort()).toEqual(
      [
        'check-health',
        'fleet-status',
        'read-config',
        'read-logs',
        'restart-service',
        'scan-logs',
        'set-config',
      ].sort(),
    );
    expect(pack.tools.get('restart-service')?.id).toBe('@castellan/itops/restart-service');
    expect(pack.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pack.manifest.playbooks.map((playbook) => playbook.name)).toEqual([
      'diagnose-and-restart',
    ]);
  });

  it('computes the same digest twice and a new one when any file changes', async () => {
    const { dir } = await copy();
    const first = await loadPackFromDir(dir);
    const second = await loadPackFromDir(dir);
    expect(second.digest).toBe(first.digest);
    expect((await loadPackFromDir(itopsPackDir)).digest).toBe(first.digest);
    await writeFile(join(dir, 'SKILL.md'), `${first.instructions}\nOne more line.\n`);
    const changed = await loadPackFromDir(dir);
    expect(changed.digest).not.toBe(first.digest);
    await mkdir(join(dir, 'scripts'));
    await writeFile(join(dir, 'scripts', 'note.txt'), 'extra file');
    expect((await loadPackFromDir(dir)).digest).not.toBe(changed.digest);
  });

  it('refuses a manifest that is not JSON, naming the file', async () => {
    const { dir } = await copy();
    await writeFile(join(dir, 'castellan.pack.json'), '{ "name": ');
    const error = await failure(dir);
    expect(error.code).toBe('invalid-manifest');
    expect(error.kind).toBe('bad-input');
    expect(error.message).toContain(join(dir, 'castellan.pack.json'));
    expect(error.message).toContain('not valid JSON');
  });

  it('refuses a __proto__ key anywhere in the manifest', async () => {
    const { dir } = await copy();
    await writeFile(join(dir, 'castellan.pack.json'), '{"__proto__": {"polluted": true}}');
    expect((await failure(dir)).message).toContain('__proto__');
  });

  it('refuses an unknown key with its path', async () => {
    const { dir } = await copy();
    await editManifest(dir, (manifest) => {
      manifest.tools[0].runAsRoot = true;
    });
    const error = await failure(dir);
    expect(error.code).toBe('invalid-manifest');
    expect(error.message).toMatch(/tools\.0: .*runAsRoot/);
  });

  it('refuses a malformed scope with its path', async () => {
    const { dir } = await copy();
    await editManifest(dir, (manifest) => {
      manifest.tools[4].scopes = ['itops service restart'];
    });
    expect((await failure(dir)).message).toContain('tools.4.scopes.0: a scope such as');
  });

  it('refuses two tools with one name', async () => {
    const { dir } = await copy();
    await editManifest(dir, (manifest) => {
      manifest.tools[1].name = manifest.tools[0].name;
    });
    expect((await failure(dir)).message).toContain('duplicate tool name fleet-status');
  });

  it('refuses a playbook step naming a tool the pack lacks', async () => {
    const { dir } = await copy();
    await editManifest(dir, (manifest) => {
      manifest.playbooks[0].steps[3].tool = 'reboot-host';
    });
    const error = await failure(dir);
    expect(error.message).toContain(
      'playbooks.0: playbook diagnose-and-restart step restart names unknown tool reboot-host',
    );
  });

  it('refuses a symlink anywhere in the pack folder', async () => {
    const { dir } = await copy();
    await mkdir(join(dir, 'scripts'));
    await symlink('/etc/passwd', join(dir, 'scripts', 'passwd'));
    const error = await failure(dir);
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain(`${join(dir, 'scripts', 'passwd')} is a symlink`);
  });

  it('refuses instructions that are a symlink out of the folder', async () => {
    const { dir, root } = await copy();
    await writeFile(join(root, 'outside.md'), 'secret');
    await editManifest(dir, (manifest) => {
      manifest.instructions = 'LINK.md';
    });
    await symlink(join(root, 'outside.md'), join(dir, 'LINK.md'));
    expect((await failure(dir)).message).toContain('is a symlink');
  });

  it('refuses instructions that do not exist or names that would leave the folder', async () => {
    const { dir } = await copy();
    await editManifest(dir, (manifest) => {
      manifest.instructions = 'MISSING.md';
    });
    expect((await failure(dir)).message).toContain('MISSING.md');
    await editManifest(dir, (manifest) => {
      manifest.instructions = '../SKILL.md';
    });
    expect((await failure(dir)).message).toContain(
      'instructions: a Markdown file in the pack folder',
    );
  });

  it('refuses a file over 1 MiB and a manifest over 256 KiB', async () => {
    const { dir } = await copy();
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(packLimits.maxFileBytes + 1));
    const error = await failure(dir);
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain(`${join(dir, 'big.bin')} is larger than`);

    const other = await copy();
    await editManifest(other.dir, (manifest) => {
      manifest.description = 'x'.repeat(packLimits.maxManifestBytes);
    });
    expect((await failure(other.dir)).message).toContain(
      'larger than the 262144 bytes a manifest may have',
    );
  });

  it('refuses folders nested deeper than four levels and more than 200 files', async () => {
    const { dir } = await copy();
    const deep = join(dir, 'a', 'b', 'c', 'd', 'e');
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, 'file.txt'), 'deep');
    expect((await failure(dir)).message).toContain('nested deeper than 4 folders');

    const other = await copy();
    await mkdir(join(other.dir, 'many'));
    for (let index = 0; index < packLimits.maxFiles; index += 1) {
      await writeFile(join(other.dir, 'many', `${index}.txt`), String(index));
    }
    expect((await failure(other.dir)).message).toContain('more than 200 files');
  });

  it('refuses a missing manifest and a folder that does not exist', async () => {
    const { root } = await copy();
    expect((await failure(root)).message).toContain('castellan.pack.json does not exist');
    expect((await failure(join(root, 'nope'))).code).toBe('unreadable');
  });
});
