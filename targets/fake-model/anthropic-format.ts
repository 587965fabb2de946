/**
 * Anthropic's messages wire format, non-streaming: enough to replay the same exchanges to a
 * profile whose provider is `anthropic`. Tool results arrive as user messages holding
 * `tool_result` blocks, so the turn counts assistant messages since the last user text.
 */
import type { Reply, RequestFacts } from './fixtures.js';

interface Block {
  type?: string;
  text?: string;
  content?: unknown;
}

function blocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

function blockText(block: Block): string {
  if (typeof block.text === 'string') return block.text;
  if (typeof block.content === 'string') return block.content;
  return blocks(block.content).map(blockText).join('');
}

/** The facts of a messages request body. */
export function anthropicFacts(body: Record<string, unknown>): RequestFacts {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Array<{
    role: string;
    content: unknown;
  }>;
  const isUserText = (message: { role: string; content: unknown }) =>
    message.role === 'user' && blocks(message.content).some((block) => block.type === 'text');
  const lastUserIndex = messages.findLastIndex(isUserText);
  const results = messages.flatMap((message) =>
    blocks(message.content).filter((block) => block.type === 'tool_result'),
  );
  const system =
    typeof body.system === 'string' ? body.system : blocks(body.system).map(blockText).join('\n');
  return {
    lastUser:
      lastUserIndex === -1
        ? ''
        : blocks(messages[lastUserIndex]?.content)
            .filter((block) => block.type === 'text')
            .map(blockText)
            .join(''),
    turn: messages.slice(lastUserIndex + 1).filter((message) => message.role === 'assistant')
      .length,
    tools: ((Array.isArray(body.tools) ? body.tools : []) as Array<{ name?: string }>).map(
      (tool) => tool.name ?? '',
    ),
    lastResult: results.length === 0 ? '' : blockText(results[results.length - 1] as Block),
    system,
  };
}

/** A whole message body for a compact reply. */
export function anthropicBody(reply: Reply, id: string): Record<string, unknown> {
  const calls = reply.message?.toolCalls ?? [];
  const content: Array<Record<string, unknown>> = [];
  if ((reply.message?.content ?? '') !== '')
    content.push({ type: 'text', text: reply.message?.content });
  calls.forEach((call, index) =>
    content.push({
      type: 'tool_use',
      id: call.id ?? `toolu_${index + 1}`,
      name: call.name,
      // Anthropic sends input as an object; a recorded malformed string is sent as it is.
      input: typeof call.arguments === 'string' ? call.arguments : call.arguments,
    }),
  );
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content,
    stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: reply.usage.input, output_tokens: reply.usage.output },
  };
}
