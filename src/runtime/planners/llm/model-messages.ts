import type { ModelMessage } from 'ai';
import type { ConversationEntry } from './llm-state.js';

/**
 * The durable conversation as AI SDK messages. Tool results stay tool messages, paired with the
 * assistant's calls by id: a result is never turned into user text, whatever it contains.
 * Consecutive results are grouped into one tool message, as the SDK's providers expect.
 */
export function toModelMessages(conversation: readonly ConversationEntry[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const entry of conversation) {
    switch (entry.role) {
      case 'user':
        messages.push({ role: 'user', content: entry.text });
        break;
      case 'assistant': {
        const parts: Array<
          | { type: 'text'; text: string }
          | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }
        > = [];
        if (entry.text !== '') parts.push({ type: 'text', text: entry.text });
        for (const call of entry.calls)
          parts.push({
            type: 'tool-call',
            toolCallId: call.id,
            toolName: call.name,
            input: call.args,
          });
        messages.push({ role: 'assistant', content: parts.length === 0 ? '' : parts });
        break;
      }
      case 'tool': {
        const part = {
          type: 'tool-result' as const,
          toolCallId: entry.id,
          toolName: entry.name,
          output: entry.error
            ? { type: 'error-text' as const, value: entry.content }
            : { type: 'text' as const, value: entry.content },
        };
        const previous = messages.at(-1);
        if (previous?.role === 'tool') previous.content.push(part);
        else messages.push({ role: 'tool', content: [part] });
        break;
      }
    }
  }
  return messages;
}

/** The size of the conversation as stored, for the size limit. */
export function conversationBytes(conversation: readonly ConversationEntry[]): number {
  return Buffer.byteLength(JSON.stringify(conversation));
}
