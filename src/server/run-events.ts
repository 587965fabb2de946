import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CastellanService } from '../api/index.js';
import type { RunRecord, UserRecord } from '../store/index.js';
import { httpErrorFor } from './error-mapping.js';
import type { EventStreams } from './event-streams.js';
import { derivedEvents } from './run-event-frames.js';

/** How often the store is polled for new entries; other processes may be advancing the run. */
export const RUN_EVENTS_POLL_MS = 200;
const KEEP_ALIVE_MS = 15_000;
const STATUS_SETTLE_MS = 20;
const TERMINAL: ReadonlySet<RunRecord['status']> = new Set([
  'completed',
  'failed',
  'denied',
  'cancelled',
  'needs_attention', // stopped after a crash: nothing moves until a person acts
]);

/** What a run event stream needs. */
export interface RunEventStreamOptions {
  service: CastellanService;
  streams: EventStreams;
  actor: UserRecord;
  runId: string;
  /** The last seq the client saw (Last-Event-ID), so a reconnect resumes instead of repeating. */
  afterSeq: number;
}

/**
 * Streams a run as Server-Sent Events: its audit entries (`audit`, id = seq), its record when
 * the status changes (`status`), and `end` once the run is terminal. Polls the store, which is
 * correct across processes; stops when the client disconnects or the server closes.
 */
export function streamRunEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: RunEventStreamOptions,
): void {
  const { service, streams, actor, runId } = options;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let lastSeq = options.afterSeq;
  let lastStatus: RunRecord['status'] | undefined;
  let lastWrite = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let polling = false;
  let wakeAgain = false;
  let unwatch: (() => void) | undefined;

  const write = (text: string): void => {
    lastWrite = Date.now();
    raw.write(text);
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    unwatch?.();
    forget();
    if (!raw.writableEnded) raw.end();
  };
  const forget = streams.add({
    stop: (reason) => {
      if (!stopped && !raw.writableEnded) write(frame('end', { reason }));
      stop();
    },
  });
  request.raw.on('close', stop);
  raw.on('close', stop);

  // A poll woken by a new entry reads only entries; the run itself is read by timed polls and
  // shortly after a status-change entry (the engine stores the status just after auditing it).
  let statusDue = false;
  const poll = async (full: boolean): Promise<void> => {
    // The run is read before its entries: the engine audits a status change before storing
    // it, so a terminal status read here means every entry up to it is in the next read.
    const run = full ? (await service.getRun(actor, runId)).run : undefined;
    const entries = await service.runEventsSince(actor, runId, lastSeq);
    if (stopped) return;
    for (const entry of entries) {
      write(frame('audit', entry, String(entry.seq)));
      for (const derived of derivedEvents(entry)) write(frame(derived.event, derived.data));
      lastSeq = Math.max(lastSeq, entry.seq);
      if (entry.type === 'run-status-changed') statusDue = true;
    }
    if (run === undefined) return;
    statusDue = false;
    if (run.status !== lastStatus) {
      lastStatus = run.status;
      write(frame('status', run));
    }
    if (TERMINAL.has(run.status)) {
      write(frame('end', { status: run.status }));
      stop();
      return;
    }
    if (Date.now() - lastWrite >= KEEP_ALIVE_MS) write(': keep-alive\n\n');
  };

  const tick = (full: boolean): void => {
    polling = true;
    poll(full).then(
      () => {
        polling = false;
        if (stopped) return;
        // An entry announced while this poll ran may have missed it: poll again at once.
        const again = wakeAgain;
        wakeAgain = false;
        const wait = again ? 0 : statusDue ? STATUS_SETTLE_MS : RUN_EVENTS_POLL_MS;
        timer = setTimeout(() => tick(!again), wait);
      },
      (error: unknown) => {
        const mapped = httpErrorFor(error, service.config.server);
        if (mapped.internal) request.log.error({ err: error, runId }, 'run event stream failed');
        if (!stopped) write(frame('error', mapped.body));
        stop();
      },
    );
  };
  // Activity in this process (a new entry, streamed model text) wakes the stream at once;
  // the poll above still catches what other processes write.
  const wake = (): void => {
    if (stopped) return;
    if (polling) {
      wakeAgain = true;
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    tick(false);
  };
  Promise.resolve()
    .then(() =>
      service.watchRun(actor, runId, (activity) => {
        if (activity.kind === 'model-delta') {
          if (!stopped) write(frame('model-delta', { text: activity.text }));
        } else {
          wake();
        }
      }),
    )
    .then(
      (stopWatching) => {
        if (stopped) stopWatching();
        else unwatch = stopWatching;
      },
      () => undefined, // without live wake-ups the stream still polls
    );
  tick(true);
}

function frame(event: string, data: unknown, id?: string): string {
  // JSON never contains a raw newline, so one `data:` line carries the whole payload.
  return `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}
