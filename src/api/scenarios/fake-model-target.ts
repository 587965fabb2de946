import { join } from 'node:path';
import { modelProfileSchema, type ModelProfile } from '../../config/index.js';
import type { SupervisedProcess, Supervisor } from '../../sandbox/index.js';
import { REPO_ROOT, startTarget } from './start-target.js';

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
  const { url, process } = await startTarget(supervisor, {
    name: 'fake-model',
    what: 'fake model server',
    script: 'targets/fake-model/main.ts',
    args: ['--fixtures', fixtures.join(','), '--port', '0'],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const profile = modelProfileSchema.parse({
    provider: 'openai-compatible',
    model: 'fake-gpt-4o',
    endpoint: `${url}/v1`,
    stream: options.stream ?? false,
  });
  return { url, profile, process };
}
