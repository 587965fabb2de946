import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackFromDir } from '../../packs/index.js';
import { createSupervisor } from '../../sandbox/index.js';
import { startCounter, type RunningCounter } from '../../../targets/counter/start-counter.js';
import { CounterConnector, type ConnectorCall } from '../index.js';

const pack = await loadPackFromDir(
  resolve(import.meta.dirname, '../../../test/fixtures/packs/counter'),
);

describe('the counter connector against the counter service', () => {
  const supervisor = createSupervisor();
  const connector = new CounterConnector();
  let dir: string;
  let counter: RunningCounter;
  const call = (tool: string, args: Record<string, unknown>, key?: string): ConnectorCall => ({
    pack,
    tool: pack.tools.get(tool)!.manifest,
    args,
    runId: 'run_c',
    stepIndex: 0,
    ...(key === undefined ? {} : { idempotencyKey: key }),
    settings: counter.settings,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'castellan-counter-'));
    counter = await startCounter(supervisor, { dir });
  });
  afterAll(async () => {
    await supervisor.stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies an add once per idempotency key, and an increment every time', async () => {
    expect(await connector.invoke(call('add', { counter: 'a', by: 5 }, 'run_c:0'))).toEqual({
      ok: true,
      output: { name: 'a', value: 5 },
    });
    expect(await connector.invoke(call('add', { counter: 'a', by: 5 }, 'run_c:0'))).toEqual({
      ok: true,
      output: { name: 'a', value: 5 },
    });
    await connector.invoke(call('increment', { counter: 'b' }, 'run_c:1'));
    await connector.invoke(call('increment', { counter: 'b' }, 'run_c:1'));
    expect(await connector.observe(call('read-counter', { counter: 'b' }))).toEqual({
      name: 'b',
      value: 2,
    });
    expect(
      counter.journal().map((entry) => [entry.op, entry.counter, entry.key, entry.applied]),
    ).toEqual([
      ['add', 'a', 'run_c:0', true],
      ['add', 'a', 'run_c:0', false],
      ['increment', 'b', 'run_c:1', true],
      ['increment', 'b', 'run_c:1', true],
    ]);
  });

  it('previews a set as a diff', async () => {
    expect(await connector.preview(call('set-counter', { counter: 'a', value: 9 }))).toEqual({
      before: { name: 'a', value: 5 },
      after: { name: 'a', value: 9 },
      diff: [{ path: 'value', op: 'replace', from: 5, to: 9 }],
    });
  });
});
