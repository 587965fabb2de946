import { describe, expect, it } from 'vitest';
import { applyDataRules } from './apply-rules.js';
import { PlaceholderAllocator, placeholdersIn, restorePlaceholders } from './placeholders.js';
import { DEFAULT_DATA_RULES, floorViolation, resolveDataRules } from './rules.js';

const result = {
  customer: 'Jane Doe',
  contact: 'jane.doe@example.com, +44 20 7946 0958',
  card: '4111 1111 1111 1111',
  note: 'second mail jane.doe@example.com, key AKIAIOSFODNN7EXAMPLE',
  password: 'hunter2',
  host: '10.0.0.12',
};

describe('the data rules', () => {
  it('replaces personal data and secrets with typed placeholders toward the model', () => {
    const allocator = new PlaceholderAllocator();
    const verdict = applyDataRules(result, 'model', DEFAULT_DATA_RULES, allocator);
    expect(verdict.value).toEqual({
      customer: 'Jane Doe',
      contact: '[EMAIL_1], [PHONE_1]',
      card: '[CARD_1]',
      note: 'second mail [EMAIL_1], key [SECRET_1]',
      password: '[SECRET_2]',
      host: '10.0.0.12',
    });
    expect(verdict.action).toBe('redact');
    expect(verdict.classes).toEqual(['card', 'email', 'ip-address', 'phone', 'secret']);
    expect(verdict.personalValues).toBe(3);
    // The report names paths and classes, never the values.
    expect(JSON.stringify(verdict.findings)).not.toContain('jane.doe');
    expect(allocator.added.map((entry) => entry.placeholder)).toEqual([
      '[EMAIL_1]',
      '[PHONE_1]',
      '[CARD_1]',
      '[SECRET_1]',
      '[SECRET_2]',
    ]);
  });

  it('restores the real values for a trusted step, and continues numbering from the vault', () => {
    const first = new PlaceholderAllocator();
    const verdict = applyDataRules(result, 'model', DEFAULT_DATA_RULES, first);
    expect(placeholdersIn(verdict.value)).toEqual([
      '[EMAIL_1]',
      '[PHONE_1]',
      '[CARD_1]',
      '[SECRET_1]',
      '[SECRET_2]',
    ]);
    expect(restorePlaceholders(verdict.value, first.added)).toEqual(result);
    const later = new PlaceholderAllocator(first.added);
    expect(later.placeholderFor('email', 'jane.doe@example.com')).toBe('[EMAIL_1]');
    expect(later.placeholderFor('email', 'other@example.com')).toBe('[EMAIL_2]');
    expect(later.added).toHaveLength(1);
  });

  it('blocks personal data and secrets toward external destinations', () => {
    const verdict = applyDataRules(
      { to: 'x@example.com' },
      'external',
      DEFAULT_DATA_RULES,
      new PlaceholderAllocator(),
    );
    expect(verdict.action).toBe('block');
    expect(verdict.value).toEqual({ to: 'x@example.com' });
  });

  it('lets a policy allow a personal data class for one call, but never a secret', () => {
    const allowed = new Set(['email', 'secret'] as const);
    const mail = applyDataRules(
      { to: 'x@example.com' },
      'external',
      DEFAULT_DATA_RULES,
      new PlaceholderAllocator(),
      allowed,
    );
    expect(mail.action).toBe('allow');
    const key = applyDataRules(
      { body: 'AKIAIOSFODNN7EXAMPLE' },
      'external',
      DEFAULT_DATA_RULES,
      new PlaceholderAllocator(),
      allowed,
    );
    expect(key.action).toBe('block');
  });

  it('lets internal systems receive personal data but not secrets', () => {
    const allocator = new PlaceholderAllocator();
    expect(
      applyDataRules({ to: 'x@example.com' }, 'internal', DEFAULT_DATA_RULES, allocator).action,
    ).toBe('allow');
    expect(
      applyDataRules({ token: 'abc123' }, 'internal', DEFAULT_DATA_RULES, allocator).action,
    ).toBe('block');
  });

  it('takes overrides from configuration but refuses any that lets a secret out', () => {
    const rules = resolveDataRules({ external: { email: 'needs-approval' } });
    expect(rules.external.email).toBe('needs-approval');
    expect(rules.external.card).toBe('block');
    expect(DEFAULT_DATA_RULES.external.email).toBe('block');
    expect(floorViolation({ model: { secret: 'allow' } })).toMatch(/model\/secret/);
    expect(() => resolveDataRules({ external: { secret: 'redact' } })).toThrow(/external\/secret/);
  });

  it('bounds the depth of attacker-shaped values', () => {
    let deep: unknown = 'x@example.com';
    for (let level = 0; level < 50; level += 1) deep = { next: deep };
    const verdict = applyDataRules(deep, 'model', DEFAULT_DATA_RULES, new PlaceholderAllocator());
    expect(JSON.stringify(verdict.value)).toContain('[redacted:too-deep]');
  });
});
