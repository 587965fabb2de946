import { parseDocument } from 'yaml';
import { z } from 'zod';
import { PackError } from '../errors.js';

/** Bounds on a SKILL.md front matter block. */
export const frontMatterLimits = { maxBytes: 64 * 1024 } as const;

const frontMatterSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes'),
    description: z.string().min(1).max(1024),
    license: z.string().max(200).optional(),
    compatibility: z.string().max(500).optional(),
    'allowed-tools': z
      .union([z.string().max(2000), z.array(z.string().max(200)).max(100)])
      .optional(),
    homepage: z.string().max(500).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** The front matter fields Castellan reads; other fields are kept as unknown. */
export type SkillFrontMatter = z.infer<typeof frontMatterSchema>;

/**
 * Splits SKILL.md into its YAML front matter and body and parses the YAML. The file is
 * attacker-controlled (skills from a marketplace): the block is bounded, parsed with the `yaml`
 * library's core schema only (no custom tags, so no constructors run), duplicate keys are errors
 * and aliases are refused (no billion-laughs expansion); the result must be a plain mapping.
 */
export function parseSkillFrontMatter(
  text: string,
  file: string,
): { frontMatter: SkillFrontMatter; body: string } {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  if (!normalised.startsWith('---\n')) {
    throw new PackError(
      'invalid-skill',
      `${file} does not start with a YAML front matter block (---)`,
    );
  }
  const end = normalised.indexOf('\n---', 3);
  if (end < 0 || !/^\n---[ \t]*(\n|$)/.test(normalised.slice(end, end + 8))) {
    throw new PackError('invalid-skill', `${file}: the front matter block is not closed with ---`);
  }
  const yamlText = normalised.slice(4, end + 1);
  if (Buffer.byteLength(yamlText) > frontMatterLimits.maxBytes) {
    throw new PackError(
      'invalid-skill',
      `${file}: the front matter is larger than ${frontMatterLimits.maxBytes} bytes`,
    );
  }
  let raw: unknown;
  try {
    const document = parseDocument(yamlText, {
      schema: 'core',
      customTags: [],
      strict: true,
      uniqueKeys: true,
      merge: false,
    });
    // An unknown tag is only a warning to the library; here it is an error like any other.
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem !== undefined) throw problem;
    raw = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new PackError(
      'invalid-skill',
      `${file}: the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PackError('invalid-skill', `${file}: the front matter must be a mapping of fields`);
  }
  if (Object.hasOwn(raw, '__proto__'))
    throw new PackError('invalid-skill', `${file}: the key __proto__ is not allowed`);
  const parsed = frontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PackError(
      'invalid-skill',
      `${file}: ${issue?.path.join('.') || 'front matter'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const bodyStart = normalised.indexOf('\n', end + 1);
  return { frontMatter: parsed.data, body: bodyStart < 0 ? '' : normalised.slice(bodyStart + 1) };
}
