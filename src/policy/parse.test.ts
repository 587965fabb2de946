import { describe, expect, it } from 'vitest';
import { PolicyEngine } from './engine.js';
import { PolicyError } from './errors.js';

function loadError(files: Record<string, string>): PolicyError {
  try {
    PolicyEngine.load(files, 1);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected PolicyEngine.load to throw');
}

describe('PolicyEngine.load', () => {
  it('reads ids, effects, approvals and lines from every file', () => {
    const engine = PolicyEngine.load(
      {
        'b.cedar': '@id("second") forbid(principal, action, resource);',
        'a.cedar': `// first file
@id("first") permit(principal, action, resource);

@id("third")
@approval("approver") @quorum("2")
permit(principal, action, resource);`,
      },
      4,
    );
    expect(engine.version).toBe(4);
    expect(
      engine.policies.map(({ id, file, line, effect, approval }) => ({
        id,
        file,
        line,
        effect,
        approval,
      })),
    ).toEqual([
      { id: 'first', file: 'a.cedar', line: 2, effect: 'permit', approval: undefined },
      {
        id: 'third',
        file: 'a.cedar',
        line: 4,
        effect: 'permit',
        approval: { role: 'approver', quorum: 2 },
      },
      { id: 'second', file: 'b.cedar', line: 1, effect: 'forbid', approval: undefined },
    ]);
  });

  it('digests the files canonically, whatever the key order', () => {
    const one = PolicyEngine.load({ 'a.cedar': '', 'b.cedar': '' }, 1);
    const two = PolicyEngine.load({ 'b.cedar': '', 'a.cedar': '' }, 1);
    const three = PolicyEngine.load({ 'a.cedar': '// changed', 'b.cedar': '' }, 1);
    expect(one.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(two.digest).toBe(one.digest);
    expect(three.digest).not.toBe(one.digest);
  });

  it("rejects invalid Cedar with Cedar's message, the file and the line", () => {
    const error = loadError({
      'ok.cedar': '@id("fine") permit(principal, action, resource);',
      'broken.cedar': '@id("x")\npermit(principal, action, resource) when { foo };',
    });
    expect(error.code).toBe('invalid-policy');
    expect(error.kind).toBe('bad-input');
    expect(error.message).toMatch(/^broken\.cedar:2: /);
    expect(error.message).toContain('invalid variable: foo');
  });

  it('counts lines right after non-ASCII text', () => {
    const error = loadError({
      'é.cedar': '// café, naïve, 東京\n@id("x") permit(principal, action, resource) when { bar };',
    });
    expect(error.message).toMatch(/^é\.cedar:2: /);
  });

  it('blames the second of two identical policies on its own line', () => {
    const policy = '@id("twice") permit(principal, action, resource);';
    const error = loadError({ 'a.cedar': `${policy}\n${policy}` });
    expect(error.code).toBe('duplicate-id');
    expect(error.message).toMatch(/^a\.cedar:2: .* a\.cedar:1;/);
  });

  it('rejects a policy without an @id, naming the file and the policy', () => {
    const error = loadError({
      'rules.cedar':
        '@id("named") permit(principal, action, resource);\n\nforbid(principal, action, resource);',
    });
    expect(error.code).toBe('missing-id');
    expect(error.message).toContain('rules.cedar:3');
    expect(error.message).toContain('forbid(principal, action, resource);');
  });

  it('rejects an @id used twice across files, naming both places', () => {
    const error = loadError({
      'a.cedar': '@id("same") permit(principal, action, resource);',
      'b.cedar': '\n@id("same") forbid(principal, action, resource);',
    });
    expect(error.code).toBe('duplicate-id');
    expect(error.message).toContain('b.cedar:2');
    expect(error.message).toContain('a.cedar:1');
  });

  it('rejects approval annotations it cannot honour', () => {
    expect(
      loadError({
        'a.cedar': '@id("f") @approval("approver") forbid(principal, action, resource);',
      }).message,
    ).toContain('permit policies only');
    expect(
      loadError({ 'a.cedar': '@id("p") @approval permit(principal, action, resource);' }).code,
    ).toBe('invalid-policy');
    expect(
      loadError({
        'a.cedar': '@id("p") @approval("r") @quorum("0") permit(principal, action, resource);',
      }).message,
    ).toContain('@quorum');
    expect(
      loadError({ 'a.cedar': '@id("p") @quorum("2") permit(principal, action, resource);' }).code,
    ).toBe('invalid-policy');
  });

  it('rejects templates, which nothing links yet', () => {
    const error = loadError({
      't.cedar': '@id("t") permit(principal == ?principal, action, resource);',
    });
    expect(error.code).toBe('invalid-policy');
    expect(error.message).toContain('template');
  });

  it('rejects a negative or fractional version', () => {
    expect(() => PolicyEngine.load({}, -1)).toThrow(PolicyError);
    expect(() => PolicyEngine.load({}, 1.5)).toThrow(PolicyError);
  });
});
