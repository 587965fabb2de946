import { describe, expect, it } from 'vitest';
import type { ToolManifest } from '../packs/index.js';
import { recoveryFor, type Interruption } from './recovery.js';

const tool = (idempotent: boolean) => ({ idempotent }) as ToolManifest;
const step = { index: 2, tool: 'counter/add' };
const noOutcome: Interruption = {
  kind: 'no-outcome',
  tool: '@test/counter/add',
  intentSeq: 41,
  intentTime: '2026-01-01T00:00:00.000Z',
};

describe('what the engine does with a step a crash interrupted', () => {
  it('goes through the gate again when no intent was logged', () => {
    expect(recoveryFor({ kind: 'nothing-ran' }, undefined, step)).toEqual({ action: 'run' });
  });
  it('runs an idempotent call again, with or without a logged outcome', () => {
    expect(recoveryFor(noOutcome, tool(true), step).action).toBe('retry');
    const lost: Interruption = {
      kind: 'outcome-recorded',
      tool: '@test/counter/add',
      outcome: 'succeeded',
      intentSeq: 41,
      outcomeSeq: 42,
    };
    expect(recoveryFor(lost, tool(true), step).action).toBe('retry');
  });
  it('stops a call that is not idempotent, or no longer loaded, for a person, with the facts', () => {
    const stopped = recoveryFor(noOutcome, tool(false), step);
    expect(stopped).toMatchObject({
      action: 'attention',
      facts: { stepIndex: 2, tool: '@test/counter/add', idempotent: false, intentSeq: 41 },
    });
    expect((stopped as { why: string }).why).toContain('not run again blindly');
    expect(recoveryFor(noOutcome, undefined, step)).toMatchObject({
      action: 'attention',
      facts: { idempotent: 'unknown (the tool is no longer loaded)' },
    });
  });
  it('fails the run when the logged outcome was a failure', () => {
    const failed: Interruption = {
      kind: 'outcome-recorded',
      tool: '@test/counter/increment',
      outcome: 'failed',
      intentSeq: 1,
      outcomeSeq: 2,
    };
    expect(recoveryFor(failed, tool(false), step).action).toBe('fail');
  });
});
