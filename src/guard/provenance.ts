import { PLACEHOLDER_LABELS, type DataClass } from './data-classes.js';
import { PLACEHOLDER_PATTERN } from './placeholders.js';
import { scanText } from './scan.js';

/**
 * Where an argument's value came from: the user's `prompt` (or run input), the pack's
 * `config`uration (a playbook constant), the `planner` itself (found nowhere earlier), the
 * output of a `trusted-tool`, or `untrusted` content (mail bodies, web pages, tickets).
 */
export type ArgumentSource = 'prompt' | 'config' | 'planner' | 'trusted-tool' | 'untrusted';

/** Every argument source, from most to least trusted. */
export const ARGUMENT_SOURCES: readonly ArgumentSource[] = [
  'prompt',
  'config',
  'trusted-tool',
  'planner',
  'untrusted',
];

/** One earlier text a value may have come from, in the order the run saw them. */
export interface ProvenanceSource {
  kind: 'prompt' | 'trusted-tool' | 'untrusted';
  /** The text as seen then; pass tool results with placeholders restored, and as redacted. */
  texts: string[];
}

const MIN_MATCH = 6;
const MAX_DEPTH = 32;

// Case and separators do not change a value: `GB82 WEST 1234...` in a mail body is the same
// account as `gb82west1234...` in an argument.
function normalise(text: string): string {
  return text.toLowerCase().replace(/[\s\-().,'"_]/g, '');
}

function leastTrusted(sources: Iterable<ArgumentSource>): ArgumentSource | undefined {
  let worst: ArgumentSource | undefined;
  for (const source of sources) {
    if (worst === undefined || ARGUMENT_SOURCES.indexOf(source) > ARGUMENT_SOURCES.indexOf(worst))
      worst = source;
  }
  return worst;
}

function leaves(value: unknown, depth = 0): string[] {
  if (depth > MAX_DEPTH) return [];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((item) => leaves(item, depth + 1));
  if (value !== null && typeof value === 'object')
    return Object.values(value).flatMap((item) => leaves(item, depth + 1));
  return [];
}

/** The pieces of a leaf that can carry provenance: the whole value, entities and placeholders. */
function pieces(leaf: string): string[] {
  const found = new Set<string>();
  if (normalise(leaf).length >= MIN_MATCH) found.add(normalise(leaf));
  for (const finding of scanText(leaf)) found.add(normalise(finding.text));
  for (const match of leaf.matchAll(PLACEHOLDER_PATTERN)) found.add(normalise(match[0]));
  return [...found].filter((piece) => piece.length >= MIN_MATCH);
}

/**
 * The provenance of each top-level argument, computed by the runtime (never by the model): each
 * string or number inside the argument, and each entity or placeholder inside those, is looked
 * up in the run's earlier texts in order; a piece takes the kind of the first text it appears
 * in, and an argument takes the least trusted kind of its pieces. An argument found nowhere
 * gets `fallback` (`config` for playbook constants, `planner` for what a model wrote).
 */
export function argumentProvenance(
  args: Record<string, unknown>,
  sources: readonly ProvenanceSource[],
  fallback: 'config' | 'planner',
): Record<string, ArgumentSource> {
  const normalisedSources = sources.map((source) => ({
    kind: source.kind,
    text: source.texts.map(normalise).join('\u0000'),
  }));
  const result: Record<string, ArgumentSource> = {};
  for (const [name, value] of Object.entries(args)) {
    const kinds: ArgumentSource[] = [];
    for (const leaf of leaves(value)) {
      const leafKinds = pieces(leaf).map(
        (piece) =>
          normalisedSources.find((source) => source.text.includes(piece))?.kind ?? fallback,
      );
      kinds.push(leastTrusted(leafKinds) ?? fallback);
    }
    result[name] = leastTrusted(kinds) ?? fallback;
  }
  return result;
}

const CLASS_OF_LABEL = new Map(
  Object.entries(PLACEHOLDER_LABELS).map(([dataClass, label]) => [label, dataClass as DataClass]),
);

/**
 * Whose data the arguments carry: `own` lists the data classes of values that first appeared in
 * the user's prompt or a trusted tool's output (the organisation's data: its customers'
 * addresses, its accounts), `untrusted` those that first appeared in untrusted content (an
 * address or an account an e-mail named). A value found nowhere earlier is in neither. Values
 * are the entities the detectors find and the placeholders standing for them.
 */
export function dataSources(
  args: Record<string, unknown>,
  sources: readonly ProvenanceSource[],
): { own: DataClass[]; untrusted: DataClass[] } {
  const normalisedSources = sources.map((source) => ({
    kind: source.kind,
    text: source.texts.map(normalise).join('\u0000'),
  }));
  const own = new Set<DataClass>();
  const untrusted = new Set<DataClass>();
  const note = (dataClass: DataClass, text: string) => {
    const piece = normalise(text);
    const kind = normalisedSources.find((source) => source.text.includes(piece))?.kind;
    if (kind === 'untrusted') untrusted.add(dataClass);
    else if (kind !== undefined) own.add(dataClass);
  };
  for (const leaf of leaves(args)) {
    for (const finding of scanText(leaf)) note(finding.dataClass, finding.text);
    for (const match of leaf.matchAll(PLACEHOLDER_PATTERN)) {
      const dataClass = CLASS_OF_LABEL.get(match[1] ?? '');
      if (dataClass !== undefined) note(dataClass, match[0]);
    }
  }
  return { own: [...own].sort(), untrusted: [...untrusted].sort() };
}
