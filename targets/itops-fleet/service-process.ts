/**
 * The manager's handle on one service child: start it, read its port, check its health, stop it.
 * Children get a pipe on stdin that only the manager holds, so they exit when the manager dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const serviceFile = fileURLToPath(new URL('./service.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/** What /health of a child said, or why it could not answer. */
export interface HealthReport {
  healthy: boolean;
  status: number | null;
  detail: unknown;
}

/** Options shared by every service the manager starts. */
export interface ServiceOptions {
  dir: string;
  tickMs: number;
  log: (level: 'INFO' | 'WARN' | 'ERROR', message: string) => void;
}

/** A running service child. */
export class ServiceProcess {
  private exitedFlag = false;
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', () => resolve());
    }).then(() => {
      this.exitedFlag = true;
    });
  }

  /** The child's pid. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** False once the child has exited. */
  get running(): boolean {
    return !this.exitedFlag;
  }

  /** Starts a child and waits for its `{"listening": port}` line (10 s at most). */
  static async start(
    name: string,
    leakMs: number,
    options: ServiceOptions,
  ): Promise<ServiceProcess> {
    const argv = ['--import', tsxLoader, serviceFile, '--name', name, '--dir', options.dir];
    argv.push('--tick-ms', String(options.tickMs), '--leak-ms', String(leakMs));
    const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => options.log('WARN', `${name} stderr: ${chunk.trim()}`));
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within 10 s`)),
        10_000,
      );
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { listening?: unknown };
          if (typeof parsed.listening === 'number') {
            clearTimeout(timer);
            resolve(parsed.listening);
          }
        } catch {
          // not the ready line
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} before listening`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const service = new ServiceProcess(name, child, port);
    child.once('exit', (code, signal) =>
      options.log('INFO', `${name} pid=${service.pid} exited (${code ?? signal})`),
    );
    options.log('INFO', `${name} started pid=${service.pid} port=${port} leakMs=${leakMs}`);
    return service;
  }

  /** Asks the child's /health (1 s timeout). */
  async health(): Promise<HealthReport> {
    if (!this.running) return { healthy: false, status: null, detail: 'not running' };
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/health`, {
        signal: AbortSignal.timeout(1000),
      });
      const detail: unknown = await response.json().catch(() => null);
      return { healthy: response.status === 200, status: response.status, detail };
    } catch (error) {
      return {
        healthy: false,
        status: null,
        detail: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited (and is reaped). */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
