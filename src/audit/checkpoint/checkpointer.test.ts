import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unsafeExecuteForTests } from '../../store/testing.js';
import {
  dropProtections,
  ORG,
  openAuditHarness,
  type AuditHarness,
} from '../__fixtures__/audit-harness.js';
import { verifyLog } from '../verify/verify-log.js';
import { openCheckpoint } from './checkpoint-note.js';
import { createWitness, readWitnessFile } from './witness.js';

/** A witness on 127.0.0.1 that keeps what it is sent (or answers 500 when told to). */
async function startReceiver(): Promise<{
  url: string;
  notes: string[];
  failing: { on: boolean };
  server: Server;
}> {
  const notes: string[] = [];
  const failing = { on: false };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (failing.on || request.headers['content-type']?.startsWith('text/plain') !== true) {
        response.statusCode = 500;
      } else notes.push(body);
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/checkpoints`, notes, failing, server };
}

describe('the checkpointer', () => {
  let harness: AuditHarness | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await harness?.close();
    server?.close();
  });

  it('signs a checkpoint once N entries have accumulated, never for each append', async () => {
    harness = await openAuditHarness({ policy: { everyEntries: 10, everySeconds: 86_400 } });
    for (let index = 0; index < 35; index += 1) await harness.append(1);
    await harness.log.idle();
    await harness.checkpointer.close();
    const sizes = (await harness.store.auditTree.checkpoints(ORG)).map(
      (checkpoint) => checkpoint.size,
    );
    // Each is signed just after the commit that reached N; it covers whatever committed by then.
    expect(sizes).toHaveLength(3);
    sizes.forEach((size, index) =>
      expect(size - (sizes[index - 1] ?? 0)).toBeGreaterThanOrEqual(10),
    );
    const verification = await verifyLog({
      tree: harness.store.auditTree,
      orgId: ORG,
      verifier: harness.verifier,
    });
    expect(verification).toMatchObject({
      ok: true,
      entries: 35,
      checkpoints: 3,
      latestCheckpoint: sizes[2],
    });
  });

  it('signs every T seconds when entries arrived since the last checkpoint', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    harness = await openAuditHarness({ policy: { everyEntries: 1000, everySeconds: 60 } });
    harness.checkpointer.start();
    await harness.append(3);
    harness.clock.advance(61_000);
    vi.advanceTimersByTime(60_000);
    await vi.waitFor(async () =>
      expect((await harness!.store.auditTree.latestCheckpoint(ORG))?.size).toBe(3),
    );
    harness.clock.advance(61_000);
    vi.advanceTimersByTime(60_000);
    await harness.checkpointer.close();
    expect((await harness.store.auditTree.checkpoints(ORG)).length).toBe(1);
  });

  it('publishes each checkpoint to a witness file and to an HTTP witness on 127.0.0.1', async () => {
    const receiver = await startReceiver();
    server = receiver.server;
    const folder = (await import('node:fs')).mkdtempSync(
      join((await import('node:os')).tmpdir(), 'witness-'),
    );
    const file = join(folder, 'witness.jsonl');
    harness = await openAuditHarness({
      witnesses: [
        createWitness({ kind: 'file', path: file }),
        createWitness({ kind: 'http', url: receiver.url }),
      ],
    });
    await harness.append(5);
    const first = await harness.checkpointer.checkpoint();
    await harness.append(4);
    const second = await harness.checkpointer.checkpoint();
    expect(first?.published.every((one) => one.ok)).toBe(true);
    expect(second?.published).toEqual([
      { witness: `file ${file}`, ok: true },
      { witness: `http ${receiver.url}`, ok: true },
    ]);
    expect(await readWitnessFile(file)).toEqual([first?.checkpoint.note, second?.checkpoint.note]);
    expect(receiver.notes).toEqual([first?.checkpoint.note, second?.checkpoint.note]);
    expect(openCheckpoint(receiver.notes[1]!, harness.verifier)).toMatchObject({
      size: 9,
      signed: true,
    });
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[1]!)).toMatchObject({ size: 9 });
    const verification = await verifyLog({
      tree: harness.store.auditTree,
      orgId: ORG,
      verifier: harness.verifier,
      witnessNotes: receiver.notes,
    });
    expect(verification).toMatchObject({ ok: true, witnessed: 2 });
  });

  it('keeps appending when a witness fails, and says so', async () => {
    const receiver = await startReceiver();
    server = receiver.server;
    receiver.failing.on = true;
    harness = await openAuditHarness({
      witnesses: [createWitness({ kind: 'http', url: receiver.url })],
    });
    await harness.append(2);
    const outcome = await harness.checkpointer.checkpoint();
    expect(outcome?.created).toBe(true);
    expect(outcome?.published[0]).toMatchObject({
      ok: false,
      error: expect.stringContaining('500'),
    });
    expect(harness.checkpointer.lastError).toContain('500');
    expect(await harness.append(1)).toBe(3);
  });

  it('refuses to sign over a tree that contradicts the last signed checkpoint', async () => {
    harness = await openAuditHarness();
    await harness.append(8);
    await harness.checkpointer.checkpoint();
    await harness.append(2);
    await dropProtections(harness.store);
    await unsafeExecuteForTests(
      harness.store,
      `update audit_tree set hash = zeroblob(32) where level = 3 and idx = 0`,
    );
    await expect(harness.checkpointer.checkpoint()).rejects.toMatchObject({
      code: 'tree-inconsistent',
    });
    expect((await harness.store.auditTree.checkpoints(ORG)).map((one) => one.size)).toEqual([8]);
  });
});
