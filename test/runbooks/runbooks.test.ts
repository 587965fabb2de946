/**
 * Every runbook in docs/runbooks, executed as written: the fenced `sh` blocks of each file run in
 * order in one bash (`set -euo pipefail`), with the real `castellan` CLI on PATH and a fresh home
 * against the real fleet. Each test then checks the effect on the system, not only the exit code.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, startItopsFleet, type RunningFleet } from '../../src/api/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import { cleanEnvironment, connectorSettings, initDurableHome } from '../support/durable-home.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const RUNBOOKS = join(REPO_ROOT, 'docs/runbooks');

/** The shell blocks of a runbook, in order. */
function shellBlocks(file: string): string[] {
  const text = readFileSync(join(RUNBOOKS, file), 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

describe('the runbooks, executed as written', () => {
  const supervisor = createSupervisor();
  let folder: string;
  let home: string;
  let bin: string;
  let fleet: RunningFleet;
  let changedRun: string;

  async function runbook(
    file: string,
    variables: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const blocks = shellBlocks(file);
    expect(blocks.length).toBeGreaterThan(0);
    const work = join(folder, `work-${file.replace('.md', '')}`);
    await mkdir(work, { recursive: true });
    return new Promise((done, reject) => {
      const child = spawn('bash', ['-c', `set -euo pipefail\n${blocks.join('\n')}`], {
        cwd: work,
        env: {
          PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          HOME: process.env.HOME ?? '/root',
          CASTELLAN_HOME: home,
          ...variables,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  async function withService<T>(work: (service: CastellanService) => Promise<T>): Promise<T> {
    const service = await CastellanService.open(home, { environment: cleanEnvironment });
    try {
      return await work(service);
    } finally {
      await service.close();
    }
  }

  const configOf = async (service: string) =>
    JSON.parse(
      await readFile(join(folder, 'fleet', 'config', `${service}.json`), 'utf8'),
    ) as Record<string, unknown>;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-runbooks-'));
    home = join(folder, 'home');
    bin = join(folder, 'bin');
    await mkdir(bin);
    const tsx = fileURLToPath(import.meta.resolve('tsx'));
    const shim = join(bin, 'castellan');
    writeFileSync(
      shim,
      `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${join(REPO_ROOT, 'src/cli/main.ts')}" "$@"\n`,
    );
    chmodSync(shim, 0o755);
    fleet = await startItopsFleet(supervisor, join(folder, 'fleet'));
    await initDurableHome(home, connectorSettings({ fleet }));
    // The incident: a run that changed two services' configuration, approved by a person.
    changedRun = await withService(async (service) => {
      const operator = await service.localUser('operator');
      const approver = await service.localUser('approver');
      const web = await configOf('web');
      const payments = await configOf('payments');
      let view = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'raise the pools',
        planner: 'scripted',
        script: [
          { tool: 'set-config', args: { service: 'web', config: { ...web, poolSize: 24 } } },
          {
            tool: 'set-config',
            args: { service: 'payments', config: { ...payments, poolSize: 32 } },
          },
        ],
      });
      while (view.run.status === 'awaiting_approval') {
        const approvalId = view.steps.at(-1)?.approvalId ?? '';
        const decided = await service.decideApproval(approver, approvalId, { decision: 'approve' });
        view = await service.getRun(operator, decided.run.id);
      }
      expect(view.run.status).toBe('completed');
      return view.run.id;
    });
  }, 120_000);

  afterAll(async () => {
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  it('roll-back-a-run.md puts both services back and the rollback completes', async () => {
    expect((await configOf('web')).poolSize).toBe(24);
    const result = await runbook('roll-back-a-run.md', { RUN: changedRun });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('2 undo step(s), newest first');
    expect((await configOf('web')).poolSize).toBe(8);
    expect((await configOf('payments')).poolSize).toBe(8);
  }, 240_000);

  it('export-incident-evidence.md writes every entry of the run with its proof and the verifier key', async () => {
    const result = await runbook('export-incident-evidence.md', { RUN: changedRun });
    expect(result.code, result.stderr).toBe(0);
    const work = join(folder, 'work-export-incident-evidence');
    const lines = (await readFile(join(work, `incident-${changedRun}.jsonl`), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; entry?: { runId?: string } });
    expect(lines[0]?.type).toBe('log');
    expect(lines.some((line) => line.type === 'checkpoint')).toBe(true);
    const entries = lines.filter((line) => line.type === 'entry');
    expect(entries.length).toBeGreaterThan(5);
    expect(entries.every((line) => line.entry?.runId === changedRun)).toBe(true);
    const key = await readFile(join(work, 'verifier-key.txt'), 'utf8');
    expect(key).toMatch(/^castellan\.local\/default\+[0-9a-f]{8}\+/);
  }, 240_000);

  it('revoke-agent-tokens.md revokes every token of the agent and halts its waiting run', async () => {
    const waiting = await withService(async (service) => {
      const operator = await service.localUser('operator');
      const view = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'change api',
        planner: 'scripted',
        script: [{ tool: 'set-config', args: { service: 'api', config: { poolSize: 4 } } }],
      });
      expect(view.run.status).toBe('awaiting_approval');
      return view.run.id;
    });
    const result = await runbook('revoke-agent-tokens.md', {
      AGENT: 'itops-agent',
      REASON: 'runbook test',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(waiting);
    await withService(async (service) => {
      const operator = await service.localUser('operator');
      const run = await service.getRun(operator, waiting);
      expect(run.run.status).toBe('cancelled');
      expect(run.run.reason).toContain('halted');
    });
    expect((await configOf('api')).poolSize).not.toBe(4);
  }, 240_000);

  it('kill-switch.md stops a new run before its first call, then releases the switch', async () => {
    const result = await runbook('kill-switch.md', { REASON: 'runbook test' });
    expect(result.code, result.stderr).toBe(0);
    await withService(async (service) => {
      const auditor = await service.localUser('auditor');
      const types = (await service.auditEntries(auditor, { limit: 10_000 })).map(
        (entry) => entry.type,
      );
      expect(types).toContain('kill-switch-engaged');
      expect(types).toContain('kill-switch-released');
      expect(types.lastIndexOf('kill-switch-released')).toBeGreaterThan(
        types.lastIndexOf('kill-switch-engaged'),
      );
    });
  }, 240_000);

  it('quarantine-a-pack.md blocks the pack and lists every run that used it', async () => {
    const result = await runbook('quarantine-a-pack.md', {
      PACK: '@castellan/itops@0.1.0',
      REASON: 'runbook test',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${changedRun} completed itops-agent`));
    await withService(async (service) => {
      const operator = await service.localUser('operator');
      const view = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'after quarantine',
        planner: 'scripted',
        script: [{ tool: 'read-config', args: { service: 'web' } }],
      });
      expect(view.run.status).toBe('denied');
      expect(view.run.reason).toContain('quarantine');
    });
  }, 240_000);
});
