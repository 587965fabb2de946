import { afterEach, describe, expect, it } from 'vitest';
import { copyOfItops, editManifest, itopsPackDir } from './__fixtures__/pack-folder.js';
import { PackError, loadPackFromDir } from './index.js';

const copies: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(copies.splice(0).map((folder) => folder.dispose()));
});

async function loadWithArgsSchema(schema: Record<string, unknown>): Promise<unknown> {
  const folder = await copyOfItops();
  copies.push(folder);
  await editManifest(folder.dir, (manifest) => {
    manifest.tools[1].args = schema;
  });
  return loadPackFromDir(folder.dir).then(
    () => undefined,
    (error: unknown) => error,
  );
}

const pack = await loadPackFromDir(itopsPackDir);
const restart = pack.tools.get('restart-service')!;
const readLogs = pack.tools.get('read-logs')!;

describe('validateArgs', () => {
  it('accepts a well-formed call and returns its arguments', () => {
    expect(restart.validateArgs({ service: 'payments' })).toEqual({
      ok: true,
      value: { service: 'payments' },
    });
    expect(readLogs.validateArgs({ service: 'payments', lines: 20 }).ok).toBe(true);
  });

  it('rejects a bad service name with a readable path and reason', () => {
    const result = restart.validateArgs({ service: '../etc; rm -rf /' });
    expect(result).toEqual({
      ok: false,
      error: 'args.service: must match pattern "^[a-z][a-z0-9-]{0,39}$"',
    });
    expect(restart.validateArgs({ service: 'a'.repeat(41) }).ok).toBe(false);
  });

  it('rejects extra properties, naming them', () => {
    expect(restart.validateArgs({ service: 'payments', force: true })).toEqual({
      ok: false,
      error: 'args: must NOT have additional properties (force)',
    });
    expect(restart.validateArgs(JSON.parse('{"service":"web","__proto__":{"x":1}}'))).toMatchObject(
      { ok: false },
    );
  });

  it('rejects a missing argument, a wrong type and a non-object', () => {
    expect(restart.validateArgs({})).toEqual({
      ok: false,
      error: "args: must have required property 'service'",
    });
    expect(readLogs.validateArgs({ service: 'web', lines: '5' })).toEqual({
      ok: false,
      error: 'args.lines: must be integer',
    });
    expect(restart.validateArgs(['payments']).ok).toBe(false);
    expect(restart.validateArgs(null).ok).toBe(false);
  });
});

describe('argument schemas', () => {
  it('refuses a pattern without maxLength (slow matching of long input)', async () => {
    const error = await loadWithArgsSchema({
      type: 'object',
      properties: { service: { type: 'string', pattern: '^(a+)+$' } },
    });
    expect(error).toBeInstanceOf(PackError);
    expect((error as PackError).message).toContain(
      'tool check-health: the arguments schema does not compile: unsafe',
    );
  });

  it('refuses a reference to a remote schema', async () => {
    const error = await loadWithArgsSchema({
      type: 'object',
      properties: { service: { $ref: 'https://example.com/schema.json' } },
    });
    expect((error as PackError).message).toContain(
      "can't resolve reference https://example.com/schema.json",
    );
  });

  it('refuses $async (a promise would pass every call) and keywords unknown in strict mode', async () => {
    expect(
      ((await loadWithArgsSchema({ type: 'object', $async: true })) as PackError).message,
    ).toContain('$async');
    expect(
      ((await loadWithArgsSchema({ type: 'object', frobnicate: 1 })) as PackError).message,
    ).toContain('strict mode');
  });
});
