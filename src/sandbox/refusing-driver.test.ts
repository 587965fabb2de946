import { describe, expect, it } from 'vitest';
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
  const limits = { timeoutMs: 1000, maxOutputBytes: 1024 };

  it('builds the bubblewrap driver with the configured binary', () => {
    const driver = createSandboxDriver({ driver: 'bwrap', bwrapPath: '/opt/bwrap', ...limits });
    expect(driver).toBeInstanceOf(BwrapDriver);
    expect((driver as BwrapDriver).bwrapPath).toBe('/opt/bwrap');
  });

  it('builds the refusing driver when asked to refuse', () => {
    const driver = createSandboxDriver({ driver: 'refuse', bwrapPath: 'bwrap', ...limits });
    expect(driver).toBeInstanceOf(RefusingDriver);
  });
});
