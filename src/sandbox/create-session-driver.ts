import { BwrapDriver } from './bwrap/bwrap-driver.js';
import { BwrapSessionDriver } from './bwrap/bwrap-session.js';
import { SandboxError } from './errors.js';
import type { SandboxDriver } from './port.js';
import type { SandboxSessionDriver } from './session-port.js';

/**
 * The session driver that matches a step driver: bubblewrap sessions beside a bubblewrap
 * driver, and one that refuses every session beside any other (a refusing driver, a test
 * double), so a local MCP server never starts with less isolation than a step would get.
 */
export function createSessionDriver(driver: SandboxDriver): SandboxSessionDriver {
  if (driver instanceof BwrapDriver) return new BwrapSessionDriver(driver);
  return {
    startSession: () =>
      Promise.reject(
        new SandboxError(
          'unavailable',
          `the ${driver.name} sandbox driver cannot run long-lived sessions; local MCP servers need bwrap`,
        ),
      ),
  };
}
