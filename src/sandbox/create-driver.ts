import type { CastellanConfig } from '../config/index.js';
import { BwrapDriver } from './bwrap/bwrap-driver.js';
import type { SandboxDriver } from './port.js';
import { RefusingDriver } from './refusing-driver.js';

/** The driver the settings ask for: bubblewrap, or one that refuses every step. */
export function createSandboxDriver(config: CastellanConfig['sandbox']): SandboxDriver {
  // Anything but an explicit `bwrap` gets the refusing driver: an unknown setting fails closed.
  return config.driver === 'bwrap'
    ? new BwrapDriver({ bwrapPath: config.bwrapPath })
    : new RefusingDriver();
}
