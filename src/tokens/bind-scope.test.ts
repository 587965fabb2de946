import { describe, expect, it } from 'vitest';
import { bindScope } from './bind-scope.js';
import { TokenError } from './errors.js';

function bindError(template: string, args: Record<string, unknown>): TokenError {
  try {
    bindScope(template, args);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    return error as TokenError;
  }
  throw new Error('bindScope accepted what it should refuse');
}

describe('bindScope', () => {
  it.each([
    ['itops:service.restart:{service}', { service: 'web-1' }, 'itops:service.restart:web-1'],
    ['finance:ledger.post:{account}', { account: 1042 }, 'finance:ledger.post:1042'],
    [
      'files:file.read:{name}',
      { name: 'report_2026.v2.csv' },
      'files:file.read:report_2026.v2.csv',
    ],
    ['itops:host.ssh:{zone}-{host}', { zone: 'eu', host: 'h7' }, 'itops:host.ssh:eu-h7'],
    ['itops:service.read', { service: 'ignored' }, 'itops:service.read'],
    ['itops:service.restart:web-1', {}, 'itops:service.restart:web-1'],
  ])('fills %s', (template, args, expected) => {
    expect(bindScope(template, args)).toBe(expected);
  });

  it.each([
    ['a path', '../x'],
    ['dots only', '..'],
    ['a single dot', '.'],
    ['a space', 'web 1'],
    ['a colon that would add a binding', 'web-1:extra'],
    ['a wildcard', '*'],
    ['a space-separated second scope', 'web-1 itops:host.delete'],
    ['an empty string', ''],
    ['an overlong name', 'a'.repeat(121)],
    ['a newline', 'web-1\n'],
    ['a brace', '{service}'],
    ['non-ASCII', 'wéb'],
  ])('refuses %s as bad-binding', (_name, value) => {
    const error = bindError('itops:service.restart:{service}', { service: value });
    expect(error.code).toBe('bad-binding');
    expect(error.kind).toBe('bad-input');
  });

  it.each([
    ['an object', { name: 'web-1' }],
    ['an array', ['web-1']],
    ['a boolean', true],
    ['null', null],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a huge number written with an exponent', 1e21],
    ['a bigint', 10n],
  ])('refuses %s as bad-binding', (_name, value) => {
    expect(bindError('itops:service.restart:{service}', { service: value }).code).toBe(
      'bad-binding',
    );
  });

  it('refuses a missing argument and never reads inherited properties', () => {
    expect(bindError('itops:service.restart:{service}', {}).code).toBe('bad-binding');
    expect(bindError('itops:service.restart:{toString}', {}).code).toBe('bad-binding');
    expect(bindError('itops:service.restart:{constructor}', {}).code).toBe('bad-binding');
  });

  it('refuses a binding that grows too long once filled', () => {
    const args = { a: 'x'.repeat(100), b: 'y'.repeat(100) };
    expect(bindError('itops:service.restart:{a}{b}', args).code).toBe('bad-scope');
  });

  it.each([
    'itops:*',
    'itops:service.restart:*',
    'itops:service.restart:{service',
    'itops:{domain}.restart:web-1',
    'not a scope',
    'itops:service.restart:a:b',
  ])('refuses the malformed template %s as bad-scope', (template) => {
    expect(bindError(template, { service: 'web-1', domain: 'service' }).code).toBe('bad-scope');
  });
});
