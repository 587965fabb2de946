import {
  argumentProvenance,
  type ArgumentSource,
  type ProvenanceSource,
} from '../../../guard/index.js';
import type { LlmState } from './llm-state.js';

const HEADER = /^<data-[A-Za-z0-9_-]+ [^>\n]*trust="(trusted|untrusted)"/;

/**
 * The provenance of a proposed call's arguments over everything the model was shown in this
 * conversation, including earlier runs of a chat: the user's messages first, then each tool
 * result in order with the trust its block header declares (headers are written by Castellan,
 * never by a tool). Uses the guard's matching, so the record agrees with what the gate sees.
 */
export function conversationProvenance(
  args: Record<string, unknown>,
  state: LlmState,
): Record<string, ArgumentSource> {
  const sources: ProvenanceSource[] = [
    {
      kind: 'prompt',
      texts: state.conversation.flatMap((entry) => (entry.role === 'user' ? [entry.text] : [])),
    },
  ];
  for (const entry of state.conversation) {
    if (entry.role !== 'tool') continue;
    const header = HEADER.exec(entry.content);
    if (header === null) continue; // a refusal written by Castellan itself carries no data
    sources.push({
      kind: header[1] === 'untrusted' ? 'untrusted' : 'trusted-tool',
      texts: [entry.content],
    });
  }
  return argumentProvenance(args, sources, 'planner');
}
