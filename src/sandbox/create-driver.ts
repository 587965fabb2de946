import type { CastellanConfig } from '../config/index.js';
import { BwrapDriver } from './bwrap/bwrap-driver.js';
import { limitsFromSettings } from './limits/resource-limits.js';
import type { SandboxDriver } from './port.js';
import { RefusingDriver } from './refusing-driver.js';

/** The driver the settings ask for: bubblewrap, or one that refuses every step. */
export function createSandboxDriver(config: CastellanConfig['sandbox']): SandboxDriver {
  // Anything but an explicit `bwrap` gets the refusing driver: an unknown setting fails closed.
  if (config.driver !== 'bwrap') return new RefusingDriver();
  return new BwrapDriver({
    bwrapPath: config.bwrapPath,
    limits: limitsFromSettings(config.limits),
    egress: {
      allowHosts: config.egress.allowHosts,
      allowAddressRanges: config.egress.allowAddressRanges,
      budget: { bytesOut: config.egress.runBytesOut, bytesIn: config.egress.runBytesIn },
    },
  });
}
