import { createAnthropic } from '@ai-sdk/anthropic';
import { createAzure } from '@ai-sdk/azure';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { ModelProfile } from '../../../config/index.js';
import { RuntimeError } from '../../errors.js';

/** A model ready to call, with what the audit log records about it. */
export interface ResolvedModel {
  profileName: string;
  profile: ModelProfile;
  model: LanguageModel;
  /** Strings that must never appear in a recorded reason (the API key). */
  secrets: string[];
}

/** Finds a profile by name and builds its model (the key is read at that moment, not kept). */
export type ModelResolver = (profileName: string) => ResolvedModel;

/**
 * Builds an AI SDK model for a profile: OpenAI and Azure OpenAI through their chat-completions
 * APIs, Anthropic's messages API, and any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp
 * server, LiteLLM). The key is passed explicitly every time, so no provider falls back to
 * reading an environment variable of its own.
 */
export function createLanguageModel(
  profile: ModelProfile,
  apiKey: string | undefined,
): LanguageModel {
  const baseURL = profile.endpoint?.replace(/\/+$/, '');
  const needKey = (): string => {
    if (apiKey === undefined)
      throw new RuntimeError(
        'model-unavailable',
        `the ${profile.provider} model profile needs an apiKey reference ({ "env": NAME } or { "file": PATH })`,
      );
    return apiKey;
  };
  switch (profile.provider) {
    case 'openai':
      return createOpenAI({ apiKey: needKey(), ...(baseURL ? { baseURL } : {}) }).chat(
        profile.model,
      );
    case 'azure':
      return createAzure({
        apiKey: needKey(),
        ...(baseURL ? { baseURL } : { resourceName: profile.resourceName }),
      }).chat(profile.model);
    case 'anthropic':
      return createAnthropic({ apiKey: needKey(), ...(baseURL ? { baseURL } : {}) })(profile.model);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: baseURL ?? '',
        includeUsage: true,
        ...(apiKey === undefined ? {} : { apiKey }),
      }).chatModel(profile.model);
  }
}
