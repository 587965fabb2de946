import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import { describeDriverContract } from './__fixtures__/driver-contract.js';
import { BwrapDriver } from './bwrap/bwrap-driver.js';
import { createSandboxDriver } from './create-driver.js';
import { SandboxError } from './errors.js';
import { RefusingDriver } from './refusing-driver.js';

describeDriverContract('refuse', () => new RefusingDriver());

describe('RefusingDriver', () => {
  it('refuses every step as unavailable, saying no sandbox is configured', async () => {
    const error = await new RefusingDriver()
      .run({ command: ['true'], timeoutMs: 1000, maxOutputBytes: 1024 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: 'unavailable', kind: 'unavailable' });
    expect((error as SandboxError).message).toMatch(/no sandbox is configured/);
  });

  it('probes as not ok, with the fix', async () => {
    const probe = await new RefusingDriver().probe();
    expect(probe).toMatchObject({ ok: false, driver: 'refuse' });
    expect(probe.checks[0]?.fix).toMatch(/bubblewrap/);
  });
});

describe('createSandboxDriver', () => {
  const settings = (sandbox: Record<string, unknown>) => configSchema.parse({ sandbox }).sandbox;

  it('builds the bubblewrap driver with the configured binary', () => {
    const driver = createSandboxDriver(settings({ driver: 'bwrap', bwrapPath: '/opt/bwrap' }));
    expect(driver).toBeInstanceOf(BwrapDriver);
    expect((driver as BwrapDriver).bwrapPath).toBe('/opt/bwrap');
  });

  it('builds the refusing driver when asked to refuse', () => {
    const driver = createSandboxDriver(settings({ driver: 'refuse' }));
    expect(driver).toBeInstanceOf(RefusingDriver);
  });

  it('passes the configured ceilings and egress allowlist to the bubblewrap driver', () => {
    const driver = createSandboxDriver(
      settings({
        limits: { processes: 16, memoryMb: 512 },
        egress: { allowHosts: ['api.example.com:443'], runBytesOut: 2048 },
      }),
    ) as BwrapDriver;
    expect(driver.ceilings()).toMatchObject({
      processes: 16,
      addressSpaceBytes: 512 * 1024 * 1024,
      cpuSeconds: 60,
    });
    expect(driver.options.egress).toMatchObject({
      allowHosts: ['api.example.com:443'],
      budget: { bytesOut: 2048 },
    });
  });

  it('rejects malformed egress settings before any driver exists', () => {
    for (const egress of [{ allowHosts: ['http://x/'] }, { allowAddressRanges: ['10.0.0.0/x'] }]) {
      expect(() => settings({ egress })).toThrow();
    }
  });
});
