import { open, readFile, stat } from 'node:fs/promises';
import { describeError } from '../../core/index.js';
import type { CheckpointRecord } from '../../store/index.js';
import { AuditError } from '../errors.js';

/** Where checkpoints are published outside the database, so a rewrite of it shows. */
export type WitnessSettings =
  { kind: 'file'; path: string } | { kind: 'http'; url: string; timeoutMs?: number };

/** Publishes checkpoints to one witness location. */
export interface WitnessPublisher {
  readonly description: string;
  publish(checkpoint: CheckpointRecord): Promise<void>;
}

const MAX_WITNESS_FILE_BYTES = 64 * 1024 * 1024;

/** One JSON line of a witness file. */
export function witnessLine(checkpoint: CheckpointRecord): string {
  const { size, root, note, createdAt } = checkpoint;
  return `${JSON.stringify({ size, root, createdAt, note })}\n`;
}

/** The publisher for a configured witness location. */
export function createWitness(settings: WitnessSettings): WitnessPublisher {
  return settings.kind === 'file' ? fileWitness(settings.path) : httpWitness(settings);
}

// Appends a JSON line and syncs it: a witness copy that a crash can lose witnesses nothing.
function fileWitness(path: string): WitnessPublisher {
  return {
    description: `file ${path}`,
    async publish(checkpoint) {
      const handle = await open(path, 'a', 0o644);
      try {
        await handle.write(witnessLine(checkpoint));
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
  };
}

function httpWitness(settings: { url: string; timeoutMs?: number }): WitnessPublisher {
  return {
    description: `http ${settings.url}`,
    async publish(checkpoint) {
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: checkpoint.note,
          signal: AbortSignal.timeout(settings.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new AuditError('witness-failed', `${settings.url}: ${describeError(error)}`, error);
      }
      await response.body?.cancel();
      if (!response.ok) {
        throw new AuditError('witness-failed', `${settings.url} answered ${response.status}`);
      }
    },
  };
}

/**
 * The checkpoint notes held in a witness file: JSON lines with a `note` (as written above), or
 * a single bare note. The file comes from outside the product: it is parsed, never trusted.
 */
export async function readWitnessFile(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: unknown) => {
    throw new AuditError(
      'bad-note',
      `cannot read the witness copy ${path}: ${describeError(error)}`,
    );
  });
  if (!info.isFile() || info.size > MAX_WITNESS_FILE_BYTES) {
    throw new AuditError('bad-note', `${path} is not a witness file of at most 64 MiB`);
  }
  const text = await readFile(path, 'utf8');
  if (!text.trimStart().startsWith('{')) return text.trim() === '' ? [] : [text];
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const note = (parsed as { note?: unknown } | undefined)?.note;
      if (typeof note !== 'string') {
        throw new AuditError('bad-note', `${path} line ${index + 1} holds no checkpoint note`);
      }
      return note;
    });
}
