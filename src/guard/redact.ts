import { findSecretKinds, isSecretKeyName } from './secrets.js';

/** What redaction found: the JSON paths it replaced and the kinds of secret. */
export interface RedactionReport {
  paths: string[];
  kinds: string[];
}

const MAX_DEPTH = 32;

/**
 * Returns a copy of a JSON value with secrets replaced by `[redacted:<kind>]`: values under
 * secret-sounding keys and strings that look like credentials. The input may come from a model
 * or a tool (attacker-controlled), so depth is bounded and nothing is evaluated.
 */
export function redactSecrets<T>(value: T): { value: T; report: RedactionReport } {
  const report: RedactionReport = { paths: [], kinds: [] };
  const redacted = walk(value, '$', 0, report) as T;
  report.kinds = [...new Set(report.kinds)];
  return { value: redacted, report };
}

function walk(value: unknown, path: string, depth: number, report: RedactionReport): unknown {
  if (depth > MAX_DEPTH) {
    report.paths.push(path);
    report.kinds.push('too-deep');
    return '[redacted:too-deep]';
  }
  if (typeof value === 'string') {
    const kinds = findSecretKinds(value);
    if (kinds.length === 0) return value;
    report.paths.push(path);
    report.kinds.push(...kinds);
    return `[redacted:${kinds[0]}]`;
  }
  if (Array.isArray(value))
    return value.map((item, index) => walk(item, `${path}[${index}]`, depth + 1, report));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKeyName(key) && item !== null && item !== '' && typeof item !== 'boolean') {
        report.paths.push(`${path}.${key}`);
        report.kinds.push('secret-key-name');
        copy[key] = '[redacted:secret-key-name]';
      } else {
        copy[key] = walk(item, `${path}.${key}`, depth + 1, report);
      }
    }
    return copy;
  }
  return value;
}
