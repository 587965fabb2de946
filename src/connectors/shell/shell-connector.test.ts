import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapDriver, RefusingDriver, SandboxError } from '../../sandbox/index.js';
import { callOf } from '../__fixtures__/calls.js';
import {
  ConnectorError,
  ShellConnector,
  type ConnectorSettings,
  type ShellOutput,
} from '../index.js';

let root: string;
let logDir: string;
let connector: ShellConnector;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'castellan-shell-'));
  logDir = join(root, 'logs');
  await mkdir(logDir);
  const lines = [
    'INFO payments: starting',
    'ERROR payments: connection pool exhausted',
    'WARN payments: slow',
    'ERROR payments: connection pool exhausted',
    'FATAL payments: giving up',
  ];
  await writeFile(join(logDir, 'payments.log'), `${lines.join('\n')}\n`);
  await writeFile(join(logDir, 'web.log'), 'INFO web: fine\n');
  connector = new ShellConnector(new BwrapDriver(), { workBase: join(root, 'work') });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('ShellConnector on the bubblewrap driver', () => {
  it('scan-logs counts ERROR and FATAL lines with the log folder mounted read-only', async () => {
    const result = await connector.invoke(
      callOf('scan-logs', { service: 'payments' }, { 'itops-fleet': { logDir } }, 3),
    );
    expect(result.ok).toBe(true);
    const output = result.output as ShellOutput;
    expect(output).toEqual({ exitCode: 0, stdout: '3\n', stderr: '', truncated: false });
    expect(result.details).toMatchObject({ sandbox: { driver: 'bwrap', network: 'none' } });
    expect((result.details?.sandbox as { mounts: string[] }).mounts).toContain(
      `ro:${logDir}->/logs`,
    );
    expect(await readdir(join(root, 'work', 'run-test'))).toContain('3');
  });

  it('reports zero for a clean log and a failure for a missing one', async () => {
    const clean = await connector.invoke(
      callOf('scan-logs', { service: 'web' }, { 'itops-fleet': { logDir } }),
    );
    expect((clean.output as ShellOutput).stdout).toBe('0\n');
    const missing = await connector.invoke(
      callOf('scan-logs', { service: 'api' }, { 'itops-fleet': { logDir } }),
    );
    expect(missing).toMatchObject({ ok: false, error: 'exited with code 2' });
  });

  it('refuses a value forming a whole option-like element before anything runs', async () => {
    const call = callOf('scan-logs', { service: 'x' }, { 'itops-fleet': { logDir } });
    const tool = {
      ...call.tool,
      connector: { kind: 'shell' as const, command: ['/usr/bin/awk', '{service}'], mounts: [] },
    };
    const error = await rejection(connector.invoke({ ...call, tool, args: { service: '--help' } }));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'bad-args' });
  });

  it('refuses a missing, relative or absent mount setting with the setting named', async () => {
    const broken: ConnectorSettings[] = [
      {},
      { 'itops-fleet': { logDir: 'logs' } },
      { 'itops-fleet': { logDir: join(root, 'nope') } },
    ];
    for (const settings of broken) {
      const error = await rejection(
        connector.invoke(callOf('scan-logs', { service: 'payments' }, settings)),
      );
      expect(error).toMatchObject({ code: 'bad-settings', room: 'connectors' });
      expect(error.message).toContain('itops-fleet.logDir');
    }
  });

  it('refuses a run id that would climb out of the work folder', async () => {
    const call = {
      ...callOf('scan-logs', { service: 'payments' }, { 'itops-fleet': { logDir } }),
      runId: '../../etc',
    };
    expect(await rejection(connector.invoke(call))).toMatchObject({ code: 'bad-args' });
  });

  it('lets the driver refusal propagate: without a sandbox nothing runs', async () => {
    const refusing = new ShellConnector(new RefusingDriver(), { workBase: join(root, 'work') });
    const error = await rejection(
      refusing.invoke(callOf('scan-logs', { service: 'payments' }, { 'itops-fleet': { logDir } })),
    );
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: 'unavailable' });
  });

  it('refuses a tool that is not a shell tool', async () => {
    const error = await rejection(
      connector.invoke(callOf('restart-service', { service: 'payments' }, {})),
    );
    expect(error).toMatchObject({ code: 'wrong-connector' });
  });
});
