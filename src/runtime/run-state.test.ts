import { describe, expect, it } from 'vitest';
import { canMove, isAtRest, isTerminal } from './run-state.js';

describe('the run state machine', () => {
  it('allows the documented path through approval', () => {
    expect(canMove('queued', 'running')).toBe(true);
    expect(canMove('running', 'awaiting_approval')).toBe(true);
    expect(canMove('awaiting_approval', 'running')).toBe(true);
    expect(canMove('running', 'completed')).toBe(true);
  });
  it('never leaves a final state', () => {
    for (const status of ['completed', 'failed', 'denied', 'cancelled'] as const) {
      expect(isTerminal(status)).toBe(true);
      expect(canMove(status, 'running')).toBe(false);
    }
  });
  it('does not complete a run that waits for people', () => {
    expect(canMove('awaiting_approval', 'completed')).toBe(false);
    expect(canMove('queued', 'completed')).toBe(false);
  });
  it('stops a crashed run for attention, from where only a person moves it on', () => {
    expect(canMove('running', 'needs_attention')).toBe(true);
    expect(isTerminal('needs_attention')).toBe(false);
    expect(isAtRest('needs_attention')).toBe(true);
    expect(canMove('needs_attention', 'running')).toBe(false);
    expect(canMove('needs_attention', 'completed')).toBe(false);
    expect(canMove('needs_attention', 'cancelled')).toBe(true);
  });
});
