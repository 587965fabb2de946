import type { DataClass, DestinationClass } from './data-classes.js';
import type { Finding } from './detectors/detector.js';
import type { PlaceholderAllocator } from './placeholders.js';
import { strictest, type DataAction, type DataRules } from './rules.js';
import { scanText } from './scan.js';
import { isSecretKeyName } from './secrets.js';

/** One finding as reports and the audit log may show it: where and what kind, never the value. */
export interface FindingSummary {
  path: string;
  dataClass: DataClass;
  detector: string;
  action: DataAction;
}

/** What the rules made of a value headed for one destination. */
export interface DataVerdict {
  /** The value with every `redact` finding replaced by its typed placeholder. */
  value: unknown;
  /** The strictest action over all findings (`allow` when nothing was found). */
  action: DataAction;
  findings: FindingSummary[];
  /** Distinct data classes found, sorted. */
  classes: DataClass[];
  /** Distinct personal-data values found: the "records" an egress budget counts. */
  personalValues: number;
}

const MAX_DEPTH = 32;

/**
 * Scans a JSON value and applies the data rules for a destination. `allowed` lists classes a
 * policy allowed for this call (they pass whatever the rule says, except secrets). Values under
 * secret-sounding keys (password, token, api_key) count as secrets whatever they look like.
 * The value is attacker-controlled: depth is bounded and nothing in it is evaluated.
 */
export function applyDataRules(
  value: unknown,
  destination: DestinationClass,
  rules: DataRules,
  allocator: PlaceholderAllocator,
  allowed: ReadonlySet<DataClass> = new Set(),
): DataVerdict {
  const findings: FindingSummary[] = [];
  const personal = new Set<string>();
  const actionFor = (dataClass: DataClass): DataAction =>
    allowed.has(dataClass) && dataClass !== 'secret' ? 'allow' : rules[destination][dataClass];

  const replaceIn = (text: string, path: string, found: Finding[]): string => {
    let result = '';
    let cursor = 0;
    for (const finding of found) {
      const action = actionFor(finding.dataClass);
      findings.push({ path, dataClass: finding.dataClass, detector: finding.detector, action });
      if (finding.dataClass !== 'secret' && finding.dataClass !== 'ip-address')
        personal.add(`${finding.dataClass}:${finding.text}`);
      if (action !== 'redact') continue;
      result +=
        text.slice(cursor, finding.start) +
        allocator.placeholderFor(finding.dataClass, finding.text);
      cursor = finding.end;
    }
    return result + text.slice(cursor);
  };

  const visit = (item: unknown, path: string, depth: number, key: string | undefined): unknown => {
    if (depth > MAX_DEPTH) {
      findings.push({
        path,
        dataClass: 'secret',
        detector: 'too-deep',
        action: actionFor('secret'),
      });
      return '[redacted:too-deep]';
    }
    const secretKey = key !== undefined && isSecretKeyName(key);
    if (secretKey && (typeof item === 'string' || typeof item === 'number') && item !== '') {
      const text = String(item);
      return replaceIn(text, path, [
        {
          dataClass: 'secret',
          detector: 'secret-key-name',
          start: 0,
          end: text.length,
          text,
          score: 1,
        },
      ]);
    }
    if (typeof item === 'string') {
      const found = scanText(item);
      return found.length === 0 ? item : replaceIn(item, path, found);
    }
    if (typeof item === 'number' && Number.isInteger(item) && Math.abs(item) >= 1e7) {
      const text = String(item);
      const found = scanText(text);
      if (found.length === 0) return item;
      const replaced = replaceIn(text, path, found);
      return replaced === text ? item : replaced;
    }
    if (Array.isArray(item))
      return item.map((inner, index) => visit(inner, `${path}[${index}]`, depth + 1, undefined));
    if (item !== null && typeof item === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(item))
        copy[name] = visit(inner, `${path}.${name}`, depth + 1, name);
      return copy;
    }
    return item;
  };

  const redacted = visit(value, '$', 0, undefined);
  return {
    value: redacted,
    action: strictest(findings.map((finding) => finding.action)),
    findings,
    classes: [...new Set(findings.map((finding) => finding.dataClass))].sort(),
    personalValues: personal.size,
  };
}
