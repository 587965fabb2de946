import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors.js';
import type { SandboxDriver } from '../port.js';
import { temporaryFolder } from './processes.js';

/**
 * The contract every SandboxDriver keeps: a step either runs isolated or is refused with
 * SandboxError('unavailable') having touched nothing. Run by each driver's test file.
 */
export function describeDriverContract(label: string, makeDriver: () => SandboxDriver): void {
  describe(`SandboxDriver contract: ${label}`, () => {
    let folder: ReturnType<typeof temporaryFolder>;
    beforeEach(() => {
      folder = temporaryFolder();
    });
    afterEach(() => folder.remove());

    it('either runs a step in its work folder or refuses having run nothing', async () => {
      const workDir = join(folder.path, 'work');
      const spec = {
        command: ['sh', '-c', 'echo done > /work/marker; echo ran'],
        workDir,
        timeoutMs: 5000,
        maxOutputBytes: 4096,
      };
      const outcome = await makeDriver()
        .run(spec)
        .catch((error: unknown) => error);
      if (outcome instanceof SandboxError) {
        expect(outcome.code).toBe('unavailable');
        expect(outcome.kind).toBe('unavailable');
        expect(existsSync(join(workDir, 'marker'))).toBe(false);
      } else {
        expect(outcome).toMatchObject({ exitCode: 0, stdout: 'ran\n', timedOut: false });
        expect(existsSync(join(workDir, 'marker'))).toBe(true);
      }
    });

    it('rejects a spec without a command with a SandboxError', async () => {
      const spec = { command: [], timeoutMs: 1000, maxOutputBytes: 1024 };
      await expect(makeDriver().run(spec)).rejects.toBeInstanceOf(SandboxError);
    });

    it('names itself in its probe, and the probe is ok only when every check is', async () => {
      const driver = makeDriver();
      const probe = await driver.probe();
      expect(probe.driver).toBe(driver.name);
      expect(probe.checks.length).toBeGreaterThan(0);
      expect(probe.ok).toBe(probe.checks.every((check) => check.ok));
      for (const check of probe.checks.filter((failed) => !failed.ok)) {
        expect(check.fix ?? check.detail).not.toBe('');
      }
    });
  });
}
