import { SandboxError } from './errors.js';
import type { SandboxDriver, SandboxProbe, SandboxResult, SandboxSpec } from './port.js';

const refusal =
  'no sandbox is configured (sandbox.driver is "refuse"), so untrusted steps cannot run; ' +
  'install bubblewrap and set sandbox.driver to "bwrap"';

/** The driver for hosts without a sandbox: every step is refused, nothing ever runs. */
export class RefusingDriver implements SandboxDriver {
  readonly name = 'refuse';

  /** Always throws SandboxError('unavailable'): failing closed is the point of this driver. */
  run(_spec: SandboxSpec): Promise<SandboxResult> {
    return Promise.reject(new SandboxError('unavailable', refusal));
  }

  /** Reports the refusal as a failed check with the fix. */
  probe(): Promise<SandboxProbe> {
    return Promise.resolve({
      ok: false,
      driver: this.name,
      checks: [
        {
          name: 'sandbox-configured',
          ok: false,
          detail: 'the refusing driver runs nothing',
          fix: 'install bubblewrap and set sandbox.driver to "bwrap"',
        },
      ],
    });
  }
}
