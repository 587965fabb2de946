import type { ConnectorCall } from '../connectors/index.js';
import type { CallContext } from './context.js';
import type { GateDependencies } from './types.js';

/** A call in flight under the revocation watcher. */
export interface InFlight {
  /** Why the call was stopped, once the watcher fired; undefined while it counts. */
  stoppedBy(): unknown;
  release(): void;
}

/**
 * Puts an allowed call under the revocation watcher just before the connector runs: the
 * connector's signal fires when the call's token is revoked, its agent, user or run is revoked,
 * or the kill switch turns on, also from another process sharing the store.
 */
export function watchInFlight(
  dependencies: GateDependencies,
  context: CallContext,
  call: ConnectorCall,
): InFlight {
  const watcher = dependencies.access?.watcher;
  const claims = context.claims;
  if (watcher === undefined || claims === undefined) {
    return { stoppedBy: () => undefined, release: () => undefined };
  }
  const watched = watcher.watch(context.request.orgId, claims);
  call.signal =
    call.signal === undefined ? watched.signal : AbortSignal.any([call.signal, watched.signal]);
  return {
    stoppedBy: () => (watched.signal.aborted ? watched.signal.reason : undefined),
    release: () => watched.release(),
  };
}
