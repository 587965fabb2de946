import { describe, expect, it } from 'vitest';
import { packManifestSchema } from './manifest.js';

const tool = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: name,
  args: { type: 'object', properties: {}, additionalProperties: false },
  scopes: [],
  resource: { type: 'Thing', id: 'x' },
  risk: 'low',
  effect: 'write',
  connector: { kind: 'builtin', connector: 'c', operation: 'o' },
  ...extra,
});
const manifest = (tools: unknown[]) => ({
  name: '@t/undo',
  version: '1.0.0',
  publisher: 'p',
  description: 'd',
  engines: { castellan: '>=0.1.0' },
  instructions: 'SKILL.md',
  tools,
});

describe('undo declarations in a manifest', () => {
  it('accepts a restore naming a tool of the same pack, with the fields it changes', () => {
    const parsed = packManifestSchema.safeParse(
      manifest([
        tool('set', {
          observe: { fields: ['config'] },
          restore: { tool: 'set', args: { config: '${pre.config}' } },
        }),
      ]),
    );
    expect(parsed.success).toBe(true);
  });
  it('refuses an unknown undo tool, both kinds at once, an undo on a read tool, and bad paths', () => {
    const cases = [
      [tool('set', { restore: { tool: 'nope' } })],
      [tool('set', { restore: { tool: 'set' }, compensate: { tool: 'set' } })],
      [tool('get', { effect: 'read', compensate: { tool: 'get' } })],
      [tool('set', { observe: { fields: ['a..b'] } })],
      [tool('set', { restore: { tool: 'set', extra: true } })],
    ];
    for (const tools of cases)
      expect(packManifestSchema.safeParse(manifest(tools)).success).toBe(false);
  });
});
