import type { DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { cedarWasm, describeCedarErrors } from './cedar.js';
import { readAnnotations } from './annotations.js';
import { PolicyError } from './errors.js';
import type { PolicyInfo } from './types.js';

/**
 * Parses a policy set given as file name → Cedar text into one entry per policy, named by its
 * `@id`. Policy files are operator input: every failure names the file (and line) and keeps
 * Cedar's own wording, so the author can find the fault without reading our code.
 */
export function parsePolicyFiles(files: Record<string, string>): PolicyInfo[] {
  const policies: PolicyInfo[] = [];
  const seen = new Map<string, PolicyInfo>();
  // Sorted so that which of two clashing policies is blamed does not depend on key order.
  for (const file of Object.keys(files).sort()) {
    for (const policy of parseFile(file, files[file] ?? '')) {
      const earlier = seen.get(policy.id);
      if (earlier !== undefined) {
        throw new PolicyError(
          'duplicate-id',
          `${policy.file}:${policy.line}: @id("${policy.id}") is already used by the policy at ` +
            `${earlier.file}:${earlier.line}; policy ids must be unique across the set`,
          { details: { id: policy.id, files: [earlier.file, policy.file] } },
        );
      }
      seen.set(policy.id, policy);
      policies.push(policy);
    }
  }
  return policies;
}

function parseFile(file: string, text: string): PolicyInfo[] {
  const cedar = cedarWasm();
  const checked = cedar.checkParsePolicySet({ staticPolicies: text });
  if (checked.type === 'failure') throw parseError(file, text, checked.errors);
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') throw parseError(file, text, parts.errors);
  // Templates (?principal, ?resource) never get here: Cedar refuses them in a static set,
  // which is right, since nothing in Castellan links templates yet.
  // Cedar returns each policy's text verbatim, sorted by its generated id; find it in the file
  // to report lines and keep the file's order (a cursor per text, for identical policies).
  const cursors = new Map<string, number>();
  const policies = parts.policies.map((policyText) => {
    const offset = text.indexOf(policyText, (cursors.get(policyText) ?? -1) + 1);
    cursors.set(policyText, offset);
    const line = lineOf(text, offset);
    const where = `${file}:${line}: the policy "${firstLine(policyText)}"`;
    const json = cedar.policyToJson(policyText);
    if (json.type === 'failure') {
      throw new PolicyError('invalid-policy', `${where}: ${describeCedarErrors(json.errors)}`);
    }
    const annotations = json.json.annotations as Record<string, string | null> | undefined;
    const { id, approval, allowData } = readAnnotations(annotations, json.json.effect, where);
    return {
      id,
      file,
      line,
      effect: json.json.effect,
      approval,
      ...(allowData === undefined ? {} : { allowData }),
      text: policyText,
    };
  });
  return policies.sort((left, right) => left.line - right.line);
}

function parseError(file: string, text: string, errors: DetailedError[]): PolicyError {
  const start = errors[0]?.sourceLocations?.[0]?.start;
  // Cedar's offsets count UTF-8 bytes; count lines in bytes too so non-ASCII text lines up.
  const line = start === undefined ? undefined : lineOfByte(text, start);
  const where = line === undefined ? file : `${file}:${line}`;
  return new PolicyError('invalid-policy', `${where}: ${describeCedarErrors(errors)}`, {
    details: { file },
  });
}

/** The 1-based line of a character offset: Cedar reports offsets, people read lines. */
function lineOf(text: string, offset: number): number {
  return offset < 0 ? 1 : text.slice(0, offset).split('\n').length;
}

function lineOfByte(text: string, byteOffset: number): number {
  const before = Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8');
  return before.split('\n').length;
}

// Annotations first, then the effect: `@id("x") @approval("r")\n`.
const leadingAnnotations = /^(\s*@[A-Za-z_][A-Za-z0-9_]*(\s*\(\s*"(?:[^"\\]|\\.)*"\s*\))?)*\s*/;

function firstLine(policyText: string): string {
  // The effect and scope say which policy this is; the annotations would not (no @id, say).
  const head = policyText.replace(leadingAnnotations, '').split('\n')[0]?.trim() ?? '';
  return head.length > 60 ? `${head.slice(0, 57)}...` : head;
}
