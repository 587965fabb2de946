/** The services the manager owns: start, inspect, restart and stop them. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ServiceProcess, type HealthReport, type ServiceOptions } from './service-process.js';

/** The services of the demo fleet, in start order. */
export const serviceNames = ['web', 'api', 'payments'] as const;

/** Default settings written on first start (operators may edit them afterwards). */
export const defaultConfigs: Record<string, Record<string, unknown>> = {
  web: { poolSize: 8, greeting: 'hello from web' },
  api: { poolSize: 8, upstream: 'payments' },
  payments: { poolSize: 8, dbHost: 'db.internal', currency: 'EUR' },
};

/** The fleet: one ServiceProcess per name, restarts serialised per service. */
export class Fleet {
  private readonly services = new Map<string, ServiceProcess>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: ServiceOptions & { incident: string; degradeAfterMs: number },
  ) {}

  get dir(): string {
    return this.options.dir;
  }

  has(name: string): boolean {
    return this.services.has(name);
  }

  /** Starts every service; the incident service leaks on this first start only. */
  async startAll(): Promise<void> {
    for (const name of serviceNames) {
      const leakMs = name === this.options.incident ? this.options.degradeAfterMs : 0;
      this.services.set(name, await ServiceProcess.start(name, leakMs, this.options));
    }
  }

  async list(): Promise<
    Array<{ name: string; port: number; pid: number | null; healthy: boolean }>
  > {
    return Promise.all(
      [...this.services.values()].map(async (service) => ({
        name: service.name,
        port: service.port,
        pid: service.running ? service.pid : null,
        healthy: (await service.health()).healthy,
      })),
    );
  }

  async health(name: string): Promise<{ name: string; pid: number | null } & HealthReport> {
    const service = this.get(name);
    return { name, pid: service.running ? service.pid : null, ...(await service.health()) };
  }

  async config(name: string): Promise<unknown> {
    return JSON.parse(await readFile(join(this.options.dir, 'config', `${name}.json`), 'utf8'));
  }

  /** Replaces a service's configuration file (written whole, then renamed into place). */
  async setConfig(name: string, config: Record<string, unknown>): Promise<unknown> {
    const file = join(this.options.dir, 'config', `${name}.json`);
    await writeFile(`${file}.tmp`, `${JSON.stringify(config, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
    this.options.log('INFO', `configuration of ${name} replaced`);
    return this.config(name);
  }

  /** Stops the service, starts a fresh process and waits until it is healthy (5 s at most). */
  restart(
    name: string,
  ): Promise<{ name: string; pid: number; healthy: boolean; restartedAt: string }> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        this.options.log('INFO', `restarting ${name}`);
        await this.get(name).stop();
        const fresh = await ServiceProcess.start(name, 0, this.options);
        this.services.set(name, fresh);
        const deadline = Date.now() + 5000;
        let healthy = (await fresh.health()).healthy;
        while (!healthy && Date.now() < deadline) {
          await delay(100);
          healthy = (await fresh.health()).healthy;
        }
        const restartedAt = new Date().toISOString();
        this.options.log(
          healthy ? 'INFO' : 'ERROR',
          `${name} restarted pid=${fresh.pid} healthy=${healthy}`,
        );
        return { name, pid: fresh.pid, healthy, restartedAt };
      });
    this.locks.set(name, next);
    return next;
  }

  /** Stops every service and waits for each to exit. */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.locks.values()]);
    await Promise.all([...this.services.values()].map((service) => service.stop()));
  }

  private get(name: string): ServiceProcess {
    const service = this.services.get(name);
    if (service === undefined) throw new Error(`no service ${name}`);
    return service;
  }
}
