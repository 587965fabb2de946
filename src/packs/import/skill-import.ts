import { join } from 'node:path';
import { MANIFEST_FILE } from '../parse-manifest.js';
import { readPackFiles } from '../pack-files.js';
import { PackError } from '../errors.js';
import { decodeUtf8 } from '../parse-manifest.js';
import type { PackNeeds } from '../manifest-needs.js';
import { parseSkillFrontMatter } from './skill-front-matter.js';
import { skillNeeds } from './skill-needs.js';
import { writePackFolder } from './write-pack-folder.js';

/** What `packs import-skill` made. */
export interface SkillImportResult {
  folder: string;
  name: string;
  needs: PackNeeds;
  warnings: string[];
  files: string[];
}

/**
 * Turns an OpenClaw / AgentSkills skill folder into a pack skeleton: the skill's files as they
 * are (read bounded, no symlinks), SKILL.md as the instructions, files under scripts/ listed as
 * the pack's scripts, and what the skill says it needs recorded as unreviewed needs. The pack
 * has no tools yet: a reviewer adds them, confirms the needs, and signs it like any pack.
 */
export async function importSkill(
  dir: string,
  options: { out: string; scope: string; publisher: string; version?: string },
): Promise<SkillImportResult> {
  const files = await readPackFiles(dir);
  if (files.some((file) => file.path === MANIFEST_FILE))
    throw new PackError('invalid-skill', `${dir} already holds a ${MANIFEST_FILE}`);
  const skill = files.find((file) => file.path === 'SKILL.md');
  if (skill === undefined)
    throw new PackError('invalid-skill', `${join(dir, 'SKILL.md')} does not exist`);
  const { frontMatter } = parseSkillFrontMatter(
    decodeUtf8(skill.bytes, join(dir, 'SKILL.md')),
    join(dir, 'SKILL.md'),
  );
  const { needs, warnings } = skillNeeds(frontMatter);
  if (!/^[a-z0-9-]{1,40}$/.test(options.scope))
    throw new PackError(
      'invalid-skill',
      `--scope ${options.scope}: lower-case letters, digits and dashes`,
    );
  const name = `@${options.scope}/${/^[a-z]/.test(frontMatter.name) ? frontMatter.name : `skill-${frontMatter.name}`}`;
  const scripts = files.map((file) => file.path).filter((path) => path.startsWith('scripts/'));
  const manifest = {
    name,
    version: options.version ?? '0.1.0',
    publisher: options.publisher,
    description: frontMatter.description,
    engines: { castellan: '>=0.1.0' },
    instructions: 'SKILL.md',
    tools: [],
    playbooks: [],
    ...(scripts.length > 0 ? { scripts } : {}),
    needs,
  };
  const folder = await writePackFolder(options.out, manifest, files);
  return { folder, name, needs, warnings, files: files.map((file) => file.path) };
}
