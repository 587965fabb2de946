import { setTimeout as delay } from 'node:timers/promises';
import {
  APICallError,
  generateText,
  streamText,
  type ModelMessage,
  type ToolChoice,
  type ToolSet,
} from 'ai';
import { RuntimeError } from '../../errors.js';
import type { ResolvedModel } from './providers.js';

/** One model call: the prompt, the tools, and where streamed text goes. */
export interface ModelRequest {
  resolved: ResolvedModel;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  toolChoice?: ToolChoice<ToolSet>;
  /** Called with each piece of text as it streams (streaming profiles only). */
  onDelta?: (text: string) => void;
}

/** A tool call in a reply. `invalid` calls have unparsable input or name no offered tool. */
export interface ReplyToolCall {
  id: string;
  name: string;
  input: unknown;
  invalid: boolean;
  unknownTool: boolean;
  error?: string;
}

/** What one successful model call returned. */
export interface ModelReply {
  text: string;
  toolCalls: ReplyToolCall[];
  usage: { inputTokens: number; outputTokens: number };
  /** The model id the provider reports (its version or snapshot), e.g. gpt-4o-2024-08-06. */
  responseModelId: string;
  responseId: string | undefined;
  finishReason: string;
  latencyMs: number;
  attempts: number;
}

/** One failed attempt, as recorded in the audit log. */
export interface AttemptFailure {
  attempt: number;
  reason: string;
  status?: number;
  retryable: boolean;
  /** How long the next attempt waits, when there is one. */
  waitMs?: number;
  latencyMs: number;
}

/**
 * Calls the model once, retrying rate limits, server errors, network failures and timeouts up
 * to the profile's limit with backoff (honouring retry-after within `maxRetryWaitMs`). The SDK's
 * own retries are off so that every attempt is ours to count and record. After the last attempt
 * it throws a RuntimeError whose message says why, without the API key.
 */
export async function callModel(
  request: ModelRequest,
  onFailure: (failure: AttemptFailure) => Promise<void>,
  sleep: (ms: number) => Promise<unknown> = (ms) => delay(ms),
): Promise<ModelReply> {
  const { limits } = request.resolved.profile;
  let last: AttemptFailure | undefined;
  for (let attempt = 1; attempt <= limits.maxRetries + 1; attempt += 1) {
    const started = performance.now();
    try {
      const reply = await attemptOnce(request);
      return { ...reply, latencyMs: Math.round(performance.now() - started), attempts: attempt };
    } catch (error) {
      const failure = classify(error, attempt, started, request.resolved);
      const more = failure.retryable && attempt <= limits.maxRetries;
      if (more) {
        const wait = failure.waitMs ?? Math.min(250 * 2 ** (attempt - 1), limits.maxRetryWaitMs);
        if (wait > limits.maxRetryWaitMs) {
          failure.retryable = false;
          failure.reason += ` (the provider asks to wait ${wait} ms, beyond the limit of ${limits.maxRetryWaitMs} ms)`;
          delete failure.waitMs;
        } else {
          failure.waitMs = wait;
        }
      } else {
        delete failure.waitMs;
      }
      last = failure;
      await onFailure(failure);
      if (!more || failure.waitMs === undefined) break;
      await sleep(failure.waitMs);
    }
  }
  throw new RuntimeError(
    'model-unavailable',
    `the model call failed after ${last?.attempt ?? 0} attempt(s): ${last?.reason ?? 'no reason'}`,
  );
}

async function attemptOnce(
  request: ModelRequest,
): Promise<Omit<ModelReply, 'latencyMs' | 'attempts'>> {
  const { profile, model } = request.resolved;
  const settings = {
    model,
    system: request.system,
    messages: request.messages,
    tools: request.tools,
    ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
    maxRetries: 0,
    abortSignal: AbortSignal.timeout(profile.limits.timeoutMs),
    ...(profile.temperature === undefined ? {} : { temperature: profile.temperature }),
    ...(profile.maxOutputTokens === undefined ? {} : { maxOutputTokens: profile.maxOutputTokens }),
  };
  if (!profile.stream) {
    const result = await generateText(settings);
    return {
      text: result.text,
      toolCalls: result.toolCalls.map(toReplyCall),
      usage: {
        inputTokens: result.usage.inputTokens ?? 0,
        outputTokens: result.usage.outputTokens ?? 0,
      },
      responseModelId: result.response.modelId,
      responseId: result.response.id,
      finishReason: result.finishReason,
    };
  }
  const result = streamText({ ...settings, onError: () => undefined });
  let text = '';
  const toolCalls: ReplyToolCall[] = [];
  let finish:
    | { modelId: string; id: string; finishReason: string; input: number; output: number }
    | undefined;
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') {
      text += part.text;
      request.onDelta?.(part.text);
    } else if (part.type === 'tool-call') {
      toolCalls.push(toReplyCall(part));
    } else if (part.type === 'error') {
      throw part.error;
    } else if (part.type === 'finish-step') {
      finish = {
        modelId: part.response.modelId,
        id: part.response.id,
        finishReason: part.finishReason,
        input: part.usage.inputTokens ?? 0,
        output: part.usage.outputTokens ?? 0,
      };
    }
  }
  if (finish === undefined) throw new Error('the model stream ended without finishing its reply');
  return {
    text,
    toolCalls,
    usage: { inputTokens: finish.input, outputTokens: finish.output },
    responseModelId: finish.modelId,
    responseId: finish.id,
    finishReason: finish.finishReason,
  };
}

function toReplyCall(call: {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalid?: boolean;
  error?: unknown;
}): ReplyToolCall {
  const error = call.error;
  const unknownTool = error instanceof Error && error.name === 'AI_NoSuchToolError';
  return {
    id: call.toolCallId,
    name: call.toolName,
    input: call.input,
    invalid: call.invalid === true,
    unknownTool,
    ...(error === undefined
      ? {}
      : { error: error instanceof Error ? error.message : String(error) }),
  };
}

function classify(
  error: unknown,
  attempt: number,
  started: number,
  resolved: ResolvedModel,
): AttemptFailure {
  const latencyMs = Math.round(performance.now() - started);
  const scrub = (text: string) =>
    resolved.secrets.reduce(
      (clean, secret) => (secret === '' ? clean : clean.split(secret).join('[redacted]')),
      text,
    );
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const waitMs = retryAfterMs(error.responseHeaders);
    return {
      attempt,
      status,
      retryable: error.isRetryable,
      latencyMs,
      reason: scrub(
        status === undefined
          ? `the provider could not be reached: ${error.message}`
          : `the provider answered ${status}: ${error.message}`.slice(0, 500),
      ),
      ...(waitMs === undefined ? {} : { waitMs }),
    };
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      attempt,
      retryable: true,
      latencyMs,
      reason: `the model did not answer within ${resolved.profile.limits.timeoutMs} ms`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { attempt, retryable: false, latencyMs, reason: scrub(message).slice(0, 500) };
}

/** Milliseconds a retry-after(-ms) header asks for; undefined when absent or unreadable. */
function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = Number.parseFloat(headers['retry-after-ms'] ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
