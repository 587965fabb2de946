/**
 * Starts the counter service through Castellan's supervisor and waits for its ready line; used
 * by the crash tests and the approvals benchmark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupervisedProcess, Supervisor } from '../../src/sandbox/index.js';
import { startListening } from '../start-listening.js';
import type { JournalEntry } from './counter.js';

const counterFile = fileURLToPath(new URL('./counter.ts', import.meta.url));

/** A running counter service and the connector settings that reach it. */
export interface RunningCounter {
  process: SupervisedProcess;
  url: string;
  dir: string;
  settings: { counter: { url: string } };
  /** Every effect recorded so far. */
  journal(): JournalEntry[];
}

/** Starts the service; resolves once it prints `{"listening": url}` (20 s at most). */
export async function startCounter(
  supervisor: Supervisor,
  options: { dir: string; delayMs?: number },
): Promise<RunningCounter> {
  const { process: started, url } = await startListening(supervisor, {
    name: 'counter',
    script: counterFile,
    args: ['--dir', options.dir, '--port', '0', '--delay-ms', String(options.delayMs ?? 0)],
    what: 'the counter',
  });
  return {
    process: started,
    url,
    dir: options.dir,
    settings: { counter: { url } },
    journal: () =>
      readJournalText(join(options.dir, 'journal.jsonl'))
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as JournalEntry),
  };
}

function readJournalText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
