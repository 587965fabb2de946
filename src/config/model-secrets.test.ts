import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelApiKey } from './model-secrets.js';
import { modelProfileSchema } from './model-settings.js';
import { parseConfig } from './load.js';

const home = mkdtempSync(join(tmpdir(), 'castellan-model-key-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('model API keys', () => {
  it('reads a key from the named environment variable', () => {
    expect(readModelApiKey({ env: 'MODEL_KEY' }, home, { MODEL_KEY: ' sk-test-1 \n' })).toBe(
      'sk-test-1',
    );
  });

  it('names the missing variable without guessing another', () => {
    expect(() => readModelApiKey({ env: 'MODEL_KEY' }, home, {})).toThrow(/MODEL_KEY is not set/);
  });

  it('reads a key from a file only its owner can read, relative to the home', () => {
    writeFileSync(join(home, 'model.key'), 'sk-from-file\n', { mode: 0o600 });
    expect(readModelApiKey({ file: 'model.key' }, home, {})).toBe('sk-from-file');
  });

  it('refuses a key file others can read, and says how to fix it', () => {
    writeFileSync(join(home, 'open.key'), 'sk-open', { mode: 0o644 });
    chmodSync(join(home, 'open.key'), 0o644);
    expect(() => readModelApiKey({ file: 'open.key' }, home, {})).toThrow(
      /readable by others: chmod 600/,
    );
  });

  it('refuses a symlink in place of the key file, and never shows the content', () => {
    writeFileSync(join(home, 'real.key'), 'sk-secret-content', { mode: 0o600 });
    symlinkSync(join(home, 'real.key'), join(home, 'link.key'));
    expect(() => readModelApiKey({ file: 'link.key' }, home, {})).toThrow(/cannot be opened/);
    try {
      readModelApiKey({ file: 'link.key' }, home, {});
    } catch (error) {
      expect(String(error)).not.toContain('sk-secret-content');
    }
  });
});

describe('model profiles in the settings', () => {
  it('fills limits and defaults, and keeps only a reference to the key', () => {
    const config = parseConfig({
      models: {
        default: { provider: 'openai', model: 'gpt-4o', apiKey: { env: 'OPENAI_API_KEY' } },
      },
    });
    expect(config.models.default).toMatchObject({
      provider: 'openai',
      apiKey: { env: 'OPENAI_API_KEY' },
      stream: false,
      recordText: true,
      limits: { maxToolCalls: 20, maxRepeatedCalls: 3, maxRetries: 2 },
    });
  });

  it('refuses a key written into the settings in clear', () => {
    expect(() =>
      parseConfig({
        models: { default: { provider: 'openai', model: 'gpt-4o', apiKey: 'sk-live-abc' } },
      }),
    ).toThrow(/models\.default\.apiKey/);
  });

  it('needs an endpoint for an OpenAI-compatible server and Azure', () => {
    expect(
      modelProfileSchema.safeParse({ provider: 'openai-compatible', model: 'llama3' }).success,
    ).toBe(false);
    expect(modelProfileSchema.safeParse({ provider: 'azure', model: 'gpt-4o' }).success).toBe(
      false,
    );
    expect(
      modelProfileSchema.safeParse({ provider: 'azure', model: 'gpt-4o', resourceName: 'acme-ai' })
        .success,
    ).toBe(true);
  });
});
