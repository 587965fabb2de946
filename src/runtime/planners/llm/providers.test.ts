import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelProfileSchema } from '../../../config/index.js';
import { readFixtures } from '../../../../targets/fake-model/fixtures.js';
import {
  startFakeModelServer,
  type FakeModelServer,
} from '../../../../targets/fake-model/fake-model-server.js';
import { callModel } from './model-call.js';
import { createLanguageModel } from './providers.js';
import { toolDefinitions } from './tool-definitions.js';
import { toolsByExternalName } from './tool-names.js';
import { loadPackFromDir } from '../../../packs/index.js';

const KEY = 'sk-test-provider-key-0123456789';
let server: FakeModelServer;
const pack = await loadPackFromDir(
  join(import.meta.dirname, '../../../gate/__fixtures__/packs/testkit'),
);
const tools = toolDefinitions(toolsByExternalName([pack]));

beforeAll(async () => {
  server = await startFakeModelServer({
    fixtures: readFixtures([join(import.meta.dirname, '__fixtures__/basic.json')]),
    requireKey: KEY,
  });
});
afterAll(() => server.close());

async function oneCall(profile: Record<string, unknown>, apiKey: string | undefined = KEY) {
  const parsed = modelProfileSchema.parse({ model: 'some-model', ...profile });
  return callModel(
    {
      resolved: {
        profileName: 'test',
        profile: parsed,
        model: createLanguageModel(parsed, apiKey),
        secrets: apiKey === undefined ? [] : [apiKey],
      },
      system: 'You are a test.',
      messages: [{ role: 'user', content: 'echo hello' }],
      tools,
    },
    async () => undefined,
    async () => undefined,
  );
}

describe('model providers against the recorded exchanges', () => {
  it.each([
    ['openai', { provider: 'openai' }, 'authorization'],
    ['azure', { provider: 'azure' }, 'apiKey'],
    ['anthropic', { provider: 'anthropic' }, 'xApiKey'],
    ['openai-compatible', { provider: 'openai-compatible' }, 'authorization'],
  ] as const)(
    '%s: sends the key its way and reads the tool call and the reported version',
    async (_name, profile, header) => {
      const before = server.requests.length;
      const reply = await oneCall({ ...profile, endpoint: `${server.url}/v1` });
      expect(reply.toolCalls).toEqual([
        expect.objectContaining({
          name: 'test-testkit__echo',
          input: { text: 'hello' },
          invalid: false,
        }),
      ]);
      expect(reply.responseModelId).toBe('fake-gpt-2025-06-01');
      expect(reply.usage).toEqual({ inputTokens: 500, outputTokens: 12 });
      const credentials = server.requests[before]?.credentials as Record<string, string>;
      expect(credentials[header]).toContain(KEY);
    },
  );

  it('refuses to build a provider that needs a key without one', () => {
    const profile = modelProfileSchema.parse({ provider: 'openai', model: 'gpt-4o' });
    expect(() => createLanguageModel(profile, undefined)).toThrow(/needs an apiKey reference/);
  });

  it('keeps the key out of the reason when the provider refuses it', async () => {
    const wrong = 'sk-wrong-key-that-must-not-leak';
    await expect(
      oneCall({ provider: 'openai-compatible', endpoint: `${server.url}/v1` }, wrong),
    ).rejects.toThrow(/after 1 attempt\(s\): the provider answered 401/);
    try {
      await oneCall({ provider: 'openai-compatible', endpoint: `${server.url}/v1` }, wrong);
    } catch (error) {
      expect(String(error)).not.toContain(wrong);
    }
  });
});
