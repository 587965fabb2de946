import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPackFromDir } from '../load-pack.js';
import { parseSkillFrontMatter } from './skill-front-matter.js';
import { importSkill } from './skill-import.js';

const openclawSkill = `---
name: github
description: "Interact with GitHub using the gh CLI."
metadata: {"openclaw":{"emoji":"🐙","requires":{"bins":["gh"],"env":["GH_TOKEN"],"config":["github.org"]},"install":[{"id":"brew","kind":"brew","formula":"gh","bins":["gh"],"label":"Install GitHub CLI (brew)"},{"id":"dl","kind":"download","url":"https://example.invalid/gh.tgz"}]}}
---

# GitHub

Use \`gh\` to read issues.
`;

const agentSkill = `---
name: pdf-tools
description: Extract text from PDF files.
license: Apache-2.0
allowed-tools: Bash(pdftotext:*)
metadata:
  openclaw:
    requires:
      bins:
        - pdftotext
      anyBins: [python3, "rm -rf /"]
---
Body.
`;

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('importSkill', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-skill-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function skill(name: string, text: string, extra: Record<string, string> = {}) {
    const dir = join(folder, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'SKILL.md'), text);
    for (const [path, content] of Object.entries(extra)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  }

  it('turns an OpenClaw skill into a pack skeleton whose needs wait for review', async () => {
    const dir = await skill('github', openclawSkill, { 'scripts/list.sh': 'gh issue list\n' });
    const result = await importSkill(dir, {
      out: join(folder, 'pack'),
      scope: 'imported',
      publisher: 'acme',
    });
    expect(result.name).toBe('@imported/github');
    expect(result.needs).toEqual({
      binaries: ['gh'],
      env: ['GH_TOKEN'],
      install: [
        { kind: 'brew', label: 'Install GitHub CLI (brew)', target: 'gh' },
        { kind: 'download', target: 'https://example.invalid/gh.tgz' },
      ],
      reviewed: false,
    });
    expect(result.warnings.join('\n')).toMatch(/downloads https:\/\/example.invalid\/gh.tgz/);
    expect(result.warnings.join('\n')).toMatch(/setting github.org: it is not granted/);
    const pack = await loadPackFromDir(result.folder);
    expect(pack.tools.size).toBe(0); // nothing is callable until a reviewer adds tools
    expect(pack.manifest).toMatchObject({
      scripts: ['scripts/list.sh'],
      needs: { reviewed: false },
    });
    expect(pack.instructions).toBe(openclawSkill);
    expect(await readFile(join(result.folder, 'scripts/list.sh'), 'utf8')).toBe('gh issue list\n');
  });

  it('reads nested YAML metadata and leaves out names that are not plain', async () => {
    const dir = await skill('pdf', agentSkill);
    const result = await importSkill(dir, {
      out: join(folder, 'pack'),
      scope: 'imported',
      publisher: 'acme',
    });
    expect(result.needs.binaries).toEqual(['pdftotext', 'python3']);
    expect(result.warnings.join('\n')).toMatch(/"rm -rf \/" is not a plain name/);
    expect(result.warnings.join('\n')).toMatch(/asks for tools/);
  });

  it.each([
    ['no front matter', '# just markdown\n'],
    ['an unclosed block', '---\nname: x\ndescription: y\n'],
    ['aliases (entity expansion)', '---\nname: x\ndescription: &a y\nother: *a\n---\n'],
    ['duplicate keys', '---\nname: x\nname: y\ndescription: z\n---\n'],
    ['a custom tag', '---\nname: x\ndescription: !!js/function "return 1"\n---\n'],
    ['a list instead of a mapping', '---\n- a\n- b\n---\n'],
    ['a missing description', '---\nname: x\n---\n'],
    ['a bad name', '---\nname: ../../etc\ndescription: y\n---\n'],
    ['a __proto__ key', '---\n__proto__: {}\nname: x\ndescription: y\n---\n'],
  ])('refuses a SKILL.md with %s', (_what, text) => {
    expect(codeOf(() => parseSkillFrontMatter(text, 'SKILL.md'))).toBe('invalid-skill');
  });

  it('refuses a skill folder holding a symlink, and writes nothing', async () => {
    const dir = await skill('evil', openclawSkill);
    await symlink('/etc/passwd', join(dir, 'passwd'));
    await expect(
      importSkill(dir, { out: join(folder, 'pack'), scope: 'imported', publisher: 'acme' }),
    ).rejects.toMatchObject({ code: 'unreadable' });
    await expect(readFile(join(folder, 'pack', 'castellan.pack.json'))).rejects.toThrow();
  });
});
