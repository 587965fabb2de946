/**
 * Runs the auditor's standalone verifier (tools/verify-audit.mjs) in a child process, as an
 * auditor would: test code, so it lives here rather than beside the audit room's source.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './cli.js';

const TOOL = resolve(REPO_ROOT, 'tools/verify-audit.mjs');

/** Runs tools/verify-audit.mjs in a child process, as an auditor would. */
export function runAuditorTool(
  exportPath: string,
  verifierKey: string,
  witnessPath?: string,
): Promise<{ code: number | null; result: Record<string, unknown> }> {
  const args = [
    TOOL,
    exportPath,
    '--vkey',
    verifierKey,
    '--json',
    ...(witnessPath === undefined ? [] : ['--witness', witnessPath]),
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        done({ code, result: JSON.parse(stdout) as Record<string, unknown> });
      } catch {
        fail(new Error(`verify-audit.mjs printed no JSON (exit ${code}): ${stderr}`));
      }
    });
  });
}
