import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOfItops, editManifest, itopsPackDir } from './__fixtures__/pack-folder.js';
import { PackError, loadCatalog, type PackCatalog, type PackErrorCode } from './index.js';

const dev = { environment: 'dev', allowUnsignedIn: ['dev'] } as const;
let folder: Awaited<ReturnType<typeof copyOfItops>>;
let catalog: PackCatalog;

/** packs root: itops, a second pack @other/itops, an unscoped `tools` pack, a broken one, a symlink. */
beforeAll(async () => {
  folder = await copyOfItops();
  const root = folder.root;
  await cp(itopsPackDir, join(root, 'other-itops'), { recursive: true });
  await editManifest(join(root, 'other-itops'), (manifest) => {
    manifest.name = '@other/itops';
  });
  await cp(itopsPackDir, join(root, 'plain'), { recursive: true });
  await editManifest(join(root, 'plain'), (manifest) => {
    manifest.name = 'plain';
    manifest.tools = [{ ...manifest.tools[0], name: 'ping' }];
    manifest.playbooks = [];
  });
  await mkdir(join(root, 'broken'));
  await writeFile(join(root, 'broken', 'castellan.pack.json'), '{"name": "@x/broken"}');
  await mkdir(join(root, 'not-a-pack'));
  await writeFile(join(root, 'README.md'), 'packs live here');
  await symlink(itopsPackDir, join(root, 'linked'));
  catalog = await loadCatalog([root, join(root, 'missing')]);
});
afterAll(() => folder.dispose());

function codeOf(action: () => unknown): PackErrorCode | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PackError);
    return (error as PackError).code;
  }
  return undefined;
}

describe('loadCatalog', () => {
  it('loads the good packs and reports the broken ones without failing', () => {
    expect(
      catalog
        .packs()
        .map((pack) => pack.manifest.name)
        .sort(),
    ).toEqual(['@castellan/itops', '@other/itops', 'plain']);
    expect(catalog.get('@castellan/itops')?.tools.size).toBe(7);
    const problems = catalog.problems.map((problem) => [
      problem.path.slice(folder.root.length + 1),
      problem.code,
    ]);
    expect(problems).toEqual([
      ['broken', 'invalid-manifest'],
      ['linked', 'unreadable'],
      ['missing', 'unreadable'],
    ]);
    expect(catalog.problems[0]?.message).toContain(
      join(folder.root, 'broken', 'castellan.pack.json'),
    );
  });
});

describe('catalog.resolve', () => {
  it('resolves a full reference, a short one and a bare tool name among the allowed packs', () => {
    const full = catalog.resolve('@castellan/itops/restart-service', ['@castellan/itops'], dev);
    expect(full.tool.id).toBe('@castellan/itops/restart-service');
    expect(full.pack.manifest.name).toBe('@castellan/itops');
    expect(catalog.resolve('itops/scan-logs', ['@castellan/itops'], dev).tool.id).toBe(
      '@castellan/itops/scan-logs',
    );
    expect(catalog.resolve('plain/ping', ['plain'], dev).tool.id).toBe('plain/ping');
    expect(catalog.resolve('check-health', ['@castellan/itops', 'plain'], dev).tool.id).toBe(
      '@castellan/itops/check-health',
    );
    expect(
      catalog.resolve('itops/scan-logs', ['@castellan/itops@0.1.0'], dev).pack.manifest.version,
    ).toBe('0.1.0');
  });

  it('unknown-tool: no such tool in the allowed packs, or not a reference at all', () => {
    expect(
      codeOf(() => catalog.resolve('@castellan/itops/reboot-host', ['@castellan/itops'], dev)),
    ).toBe('unknown-tool');
    expect(codeOf(() => catalog.resolve('nothing-here', ['@castellan/itops'], dev))).toBe(
      'unknown-tool',
    );
    expect(codeOf(() => catalog.resolve('../../etc/passwd', ['@castellan/itops'], dev))).toBe(
      'unknown-tool',
    );
  });

  it('ambiguous-tool: a short name that fits two allowed packs', () => {
    const allowed = ['@castellan/itops', '@other/itops'];
    expect(codeOf(() => catalog.resolve('itops/restart-service', allowed, dev))).toBe(
      'ambiguous-tool',
    );
    expect(codeOf(() => catalog.resolve('restart-service', allowed, dev))).toBe('ambiguous-tool');
    expect(catalog.resolve('@other/itops/restart-service', allowed, dev).pack.manifest.name).toBe(
      '@other/itops',
    );
  });

  it('pack-not-allowed: the pack exists but the agent does not list it', () => {
    expect(codeOf(() => catalog.resolve('@castellan/itops/restart-service', ['plain'], dev))).toBe(
      'pack-not-allowed',
    );
    expect(codeOf(() => catalog.resolve('itops/restart-service', [], dev))).toBe(
      'pack-not-allowed',
    );
  });

  it('pin-mismatch: the agent pins a version that is not installed', () => {
    expect(
      codeOf(() => catalog.resolve('itops/restart-service', ['@castellan/itops@9.9.9'], dev)),
    ).toBe('pin-mismatch');
  });

  it('unsigned-pack-refused: a local pack outside the environments that admit unsigned packs', () => {
    const prod = { environment: 'prod', allowUnsignedIn: ['dev'] } as const;
    let error: unknown;
    try {
      catalog.resolve('@castellan/itops/restart-service', ['@castellan/itops'], prod);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'unsigned-pack-refused', kind: 'denied', room: 'packs' });
    const staging = { environment: 'staging', allowUnsignedIn: ['dev', 'staging'] } as const;
    expect(catalog.resolve('itops/fleet-status', ['@castellan/itops'], staging).tool.id).toBe(
      '@castellan/itops/fleet-status',
    );
  });
});
