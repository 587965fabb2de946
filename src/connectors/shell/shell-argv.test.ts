import { describe, expect, it } from 'vitest';
import { ConnectorError, buildArgv } from '../index.js';

function refusal(command: string[], args: Record<string, unknown>): string {
  try {
    buildArgv(command, args);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('bad-args');
    return (error as ConnectorError).message;
  }
  throw new Error('expected a refusal');
}

describe('buildArgv', () => {
  it('fills placeholders inside elements with the arguments text', () => {
    expect(
      buildArgv(['/usr/bin/tail', '-n', '{lines}', '/logs/{service}.log'], {
        service: 'web',
        lines: 20,
      }),
    ).toEqual(['/usr/bin/tail', '-n', '20', '/logs/web.log']);
    expect(
      buildArgv(['/bin/echo', '{flag}', '--name={service}'], { flag: true, service: '-x' }),
    ).toEqual(['/bin/echo', 'true', '--name=-x']);
  });

  it('refuses a value that would make a whole element an option', () => {
    expect(refusal(['/usr/bin/awk', '{program}', '/logs/x'], { program: '--help' })).toContain(
      "start with '-'",
    );
    expect(refusal(['/usr/bin/grep', '{a}{b}'], { a: '-', b: 'e' })).toContain("start with '-'");
    expect(refusal(['/usr/bin/grep', '{n}'], { n: -1 })).toContain("start with '-'");
  });

  it('refuses NUL, line breaks, objects, missing arguments and a templated program', () => {
    expect(refusal(['/bin/echo', '{s}'], { s: 'a\0b' })).toContain('NUL');
    expect(refusal(['/bin/echo', 'x{s}'], { s: 'a\nb' })).toContain('line break');
    expect(refusal(['/bin/echo', '{s}'], { s: { toString: () => 'x' } })).toContain(
      'string, number or boolean',
    );
    expect(refusal(['/bin/echo', '{s}'], { s: Number.NaN })).toContain('finite');
    expect(refusal(['/bin/echo', '{s}'], {})).toContain('not given');
    expect(refusal(['{program}', 'x'], { program: '/bin/sh' })).toContain('program');
  });
});
