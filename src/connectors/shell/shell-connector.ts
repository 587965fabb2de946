import { join, resolve } from 'node:path';
import type { SandboxDriver } from '../../sandbox/index.js';
import { ConnectorError } from '../errors.js';
import type { Connector, ConnectorCall, ConnectorResult } from '../port.js';
import { resolveMounts } from './resolve-mounts.js';
import { buildArgv } from './shell-argv.js';

/** Settings of the shell connector. */
export interface ShellConnectorOptions {
  /** Each step gets `<workBase>/<runId>/<stepIndex>` as its private /work. */
  workBase: string;
  /** Used when the tool names no timeout; default 10 s. */
  timeoutMs?: number;
  /** Per stream; default 1 MiB. */
  maxOutputBytes?: number;
}

/** What a shell tool's step printed and how it ended. */
export interface ShellOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

const runIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Carries out `kind: shell` tools, only ever through the sandbox driver. When the driver cannot
 * start a sandbox it throws and the error propagates: the gate records a denial, and nothing runs
 * any other way.
 */
export class ShellConnector implements Connector {
  readonly name = 'shell';
  private readonly workBase: string;

  constructor(
    private readonly driver: SandboxDriver,
    private readonly options: ShellConnectorOptions,
  ) {
    this.workBase = resolve(options.workBase);
  }

  /** Runs the tool's command in the sandbox; a non-zero exit is `ok: false` with the output. */
  async invoke(call: ConnectorCall): Promise<ConnectorResult> {
    const connector = call.tool.connector;
    if (connector.kind !== 'shell') {
      throw new ConnectorError('wrong-connector', `${call.tool.name} is not a shell tool`);
    }
    const command = buildArgv(connector.command, call.args);
    const mounts = await resolveMounts(connector.mounts, call.settings);
    const timeoutMs = connector.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const result = await this.driver.run({
      command,
      mounts,
      workDir: this.workDirOf(call),
      timeoutMs,
      maxOutputBytes: this.options.maxOutputBytes ?? 1024 * 1024,
      network: 'none',
      // What the tool declares; the driver caps limits and intersects egress with its allowlist.
      ...(connector.limits === undefined ? {} : { limits: connector.limits }),
      ...(connector.egress === undefined
        ? {}
        : { egress: { destinations: connector.egress, runId: call.runId } }),
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
    const output: ShellOutput = {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      truncated: result.stdoutTruncated || result.stderrTruncated,
    };
    const details = {
      sandbox: result.profile,
      durationMs: result.durationMs,
      ...(result.egress === undefined ? {} : { egress: result.egress }),
    };
    if (result.exitCode === 0 && result.killed === undefined) return { ok: true, output, details };
    const error = result.timedOut
      ? `timed out after ${timeoutMs} ms`
      : result.killed !== undefined
        ? `stopped by the sandbox: ${result.killed}`
        : result.exitCode === null
          ? `killed by ${result.signal ?? 'a signal'}`
          : `exited with code ${result.exitCode}`;
    return { ok: false, error, output, details };
  }

  /** The step's private folder; run ids and step indexes are checked so they cannot climb out. */
  private workDirOf(call: ConnectorCall): string {
    if (
      !runIdPattern.test(call.runId) ||
      !Number.isSafeInteger(call.stepIndex) ||
      call.stepIndex < 0
    ) {
      throw new ConnectorError(
        'bad-args',
        `run id ${JSON.stringify(call.runId).slice(0, 140)} or step ${call.stepIndex} cannot name a work folder`,
      );
    }
    return join(this.workBase, call.runId, String(call.stepIndex));
  }
}
