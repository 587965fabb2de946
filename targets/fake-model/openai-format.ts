/**
 * The OpenAI chat-completions wire format (also spoken by Azure OpenAI, Ollama, vLLM, llama.cpp
 * server and LiteLLM): reading a request's facts, and writing a reply whole or as SSE chunks.
 */
import type { Reply, RequestFacts } from './fixtures.js';

interface ChatMessage {
  role: string;
  content?: unknown;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part) => (typeof part?.text === 'string' ? (part.text as string) : ''))
      .join('');
  return '';
}

/** The facts of a chat-completions request body. */
export function openAiFacts(body: Record<string, unknown>): RequestFacts {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessage[];
  const lastUserIndex = messages.findLastIndex((message) => message.role === 'user');
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{
    function?: { name?: string };
  }>;
  return {
    lastUser: lastUserIndex === -1 ? '' : text(messages[lastUserIndex]?.content),
    turn: messages.slice(lastUserIndex + 1).filter((message) => message.role === 'assistant')
      .length,
    tools: tools.map((tool) => tool.function?.name ?? ''),
    lastResult: text(messages.findLast((message) => message.role === 'tool')?.content),
    system: messages
      .filter((message) => message.role === 'system')
      .map((message) => text(message.content))
      .join('\n'),
  };
}

function toolCalls(reply: Reply) {
  return (reply.message?.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index + 1}`,
    type: 'function' as const,
    function: {
      name: call.name,
      arguments:
        typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

/** A whole chat.completion body for a compact reply. */
export function openAiBody(reply: Reply, id: string): Record<string, unknown> {
  const calls = toolCalls(reply);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.message?.content ?? '',
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: reply.usage.input,
      completion_tokens: reply.usage.output,
      total_tokens: reply.usage.input + reply.usage.output,
    },
  };
}

/**
 * The same reply as chat.completion.chunk events: the role, the text in word-sized pieces, each
 * tool call's name and then its arguments in pieces (as real providers split them), the finish
 * reason, and a usage chunk when the request asked for one.
 */
export function openAiChunks(reply: Reply, id: string, includeUsage: boolean): string[] {
  const base = {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: reply.model,
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [chunk({ role: 'assistant', content: '' })];
  for (const piece of (reply.message?.content ?? '').match(/\S+\s*|\s+/g) ?? [])
    events.push(chunk({ content: piece }));
  toolCalls(reply).forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of call.function.arguments.match(/.{1,12}/gs) ?? [])
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, (reply.message?.toolCalls.length ?? 0) > 0 ? 'tool_calls' : 'stop'));
  if (includeUsage) {
    events.push(
      JSON.stringify({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: reply.usage.input,
          completion_tokens: reply.usage.output,
          total_tokens: reply.usage.input + reply.usage.output,
        },
      }),
    );
  }
  return events;
}
