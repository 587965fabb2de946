import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelProfileSchema, type ModelProfile } from '../../config/index.js';
import type { SupervisedProcess, Supervisor } from '../../sandbox/index.js';
import { ApiError } from '../errors.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The recorded exchanges the scenarios replay, by scenario. */
export const FAKE_MODEL_FIXTURES = {
  itops: join(REPO_ROOT, 'targets/fake-model/__fixtures__/itops-diagnose.json'),
} as const;

/** A running fake model server and the profile that reaches it. */
export interface RunningFakeModel {
  url: string;
  profile: ModelProfile;
  process: SupervisedProcess;
}

/**
 * Starts the fake model server (a stand-in for a model provider, not part of Castellan) through
 * the supervisor with recorded exchanges, and waits for its "listening" line. The profile it
 * returns speaks the OpenAI-compatible API to it, as a profile for Ollama or vLLM would.
 */
export async function startFakeModel(
  supervisor: Supervisor,
  fixtures: string[],
  options: { timeoutMs?: number; stream?: boolean } = {},
): Promise<RunningFakeModel> {
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolvePromise) => (announce = resolvePromise));
  const process = await supervisor.start({
    name: 'fake-model',
    command: [
      globalThis.process.execPath,
      '--import',
      'tsx',
      join(REPO_ROOT, 'targets/fake-model/main.ts'),
      '--fixtures',
      fixtures.join(','),
      '--port',
      '0',
    ],
    cwd: REPO_ROOT,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    onLine: (line) => {
      try {
        const parsed = JSON.parse(line) as { listening?: unknown };
        if (typeof parsed.listening === 'string') announce(parsed.listening);
      } catch {
        // not the ready line
      }
    },
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  const url = await Promise.race([
    listening,
    process.exited.then(() => undefined),
    new Promise<undefined>((resolvePromise) =>
      setTimeout(() => resolvePromise(undefined), timeoutMs).unref(),
    ),
  ]);
  if (url === undefined) {
    await process.stop('SIGKILL', 0);
    throw new ApiError('bad-input', `the fake model server did not start within ${timeoutMs} ms`);
  }
  const profile = modelProfileSchema.parse({
    provider: 'openai-compatible',
    model: 'fake-gpt-4o',
    endpoint: `${url}/v1`,
    stream: options.stream ?? false,
  });
  return { url, profile, process };
}
