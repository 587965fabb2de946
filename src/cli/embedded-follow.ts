import { CastellanService, type RunView } from '../api/index.js';
import { derivedEvents } from '../server/index.js';
import type { UserRecord } from '../store/index.js';
import type { RunEventListener } from './backend.js';

const POLL_MS = 200;

/**
 * Follows a run in-process: its audit entries with the events they imply, model text as it
 * streams, and status changes, until the run rests. Wakes on the service's activity bus and
 * polls the store besides, since another process may be the one driving the run.
 */
export async function followEmbedded(
  service: CastellanService,
  actor: UserRecord,
  runId: string,
  onEvent: RunEventListener,
): Promise<RunView> {
  let wake: () => void = () => undefined;
  const stopWatching = await service.watchRun(actor, runId, (activity) => {
    if (activity.kind === 'model-delta') onEvent('model-delta', { text: activity.text });
    else wake();
  });
  try {
    let lastSeq = 0;
    let lastStatus: string | undefined;
    for (;;) {
      const view = await service.getRun(actor, runId);
      for (const entry of await service.runEventsSince(actor, runId, lastSeq)) {
        onEvent('audit', entry);
        for (const derived of derivedEvents(entry)) onEvent(derived.event, derived.data);
        lastSeq = Math.max(lastSeq, entry.seq);
      }
      if (view.run.status !== lastStatus) {
        lastStatus = view.run.status;
        onEvent('status', view.run);
      }
      if (CastellanService.isAtRest(view.run)) return view;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    stopWatching();
  }
}
