import { digestOf } from '../core/index.js';
import { PLACEHOLDER_LABELS, type DataClass } from './data-classes.js';

/** One placeholder and the value it stands for, as the per-run vault keeps it. */
export interface VaultEntry {
  placeholder: string;
  dataClass: DataClass;
  value: string;
  /** sha256 of the value: the same value gets the same placeholder within a run. */
  digest: string;
}

/** A placeholder as it appears in text: `[EMAIL_1]`, `[US_SSN_12]`. */
export const PLACEHOLDER_PATTERN =
  /\[(EMAIL|PHONE|CARD|IBAN|US_SSN|UK_NINO|IP_ADDRESS|SECRET)_(\d{1,6})\]/g;

/**
 * Hands out typed placeholders for one run, numbered per class in order of first sight and
 * stable for a repeated value. Seeded with the run's existing vault so numbering continues
 * across steps and processes; `added` lists what the vault must store.
 */
export class PlaceholderAllocator {
  readonly added: VaultEntry[] = [];
  readonly #byDigest = new Map<string, string>();
  readonly #counts = new Map<string, number>();

  constructor(existing: readonly VaultEntry[] = []) {
    for (const entry of existing) this.#remember(entry);
  }

  /** The placeholder for a value of a class, new or already handed out. */
  placeholderFor(dataClass: DataClass, value: string): string {
    const digest = digestOf({ dataClass, value });
    const known = this.#byDigest.get(digest);
    if (known !== undefined) return known;
    const label = PLACEHOLDER_LABELS[dataClass];
    const number = (this.#counts.get(label) ?? 0) + 1;
    const entry: VaultEntry = { placeholder: `[${label}_${number}]`, dataClass, value, digest };
    this.#remember(entry);
    this.added.push(entry);
    return entry.placeholder;
  }

  #remember(entry: VaultEntry): void {
    this.#byDigest.set(entry.digest, entry.placeholder);
    const match = /^\[([A-Z_]+)_(\d+)\]$/.exec(entry.placeholder);
    if (match === null) return;
    const label = match[1] ?? '';
    this.#counts.set(label, Math.max(this.#counts.get(label) ?? 0, Number(match[2])));
  }
}

/** The placeholders a JSON value mentions, once each, in order of appearance. */
export function placeholdersIn(value: unknown): string[] {
  const found = new Set<string>();
  const text = JSON.stringify(value) ?? '';
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) found.add(match[0]);
  return [...found];
}

/**
 * Puts the real values back in place of placeholders, for a trusted step (a connector that
 * needs the real address). Unknown placeholders stay as they are.
 */
export function restorePlaceholders<T>(value: T, entries: readonly VaultEntry[]): T {
  if (entries.length === 0) return value;
  const byPlaceholder = new Map(entries.map((entry) => [entry.placeholder, entry.value]));
  const restore = (item: unknown, depth: number): unknown => {
    if (depth > 32) return item;
    if (typeof item === 'string')
      return item.replace(PLACEHOLDER_PATTERN, (whole) => byPlaceholder.get(whole) ?? whole);
    if (Array.isArray(item)) return item.map((inner) => restore(inner, depth + 1));
    if (item !== null && typeof item === 'object')
      return Object.fromEntries(
        Object.entries(item).map(([key, inner]) => [key, restore(inner, depth + 1)]),
      );
    return item;
  };
  return restore(value, 0) as T;
}
