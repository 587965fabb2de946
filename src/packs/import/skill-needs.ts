import type { PackNeeds } from '../manifest-needs.js';
import type { SkillFrontMatter } from './skill-front-matter.js';

/** Where OpenClaw-style skills keep their requirements inside `metadata`. */
const metadataKeys = ['openclaw', 'clawdbot', 'clawdis'] as const;

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

/**
 * Reads what a skill says it needs (binaries, environment variables, install steps) from its
 * metadata. The declarations are data from the skill's author: recorded for a reviewer as
 * needs with `reviewed: false`, with warnings for what deserves a hard look; nothing here is
 * granted. Names that do not fit the manifest's patterns become warnings, not needs.
 */
export function skillNeeds(frontMatter: SkillFrontMatter): {
  needs: PackNeeds;
  warnings: string[];
} {
  const warnings: string[] = [];
  const metadata = frontMatter.metadata ?? {};
  const block = metadataKeys
    .map((key) => metadata[key])
    .find((value) => typeof value === 'object' && value !== null) as
    Record<string, unknown> | undefined;
  const requires = (block?.requires ?? {}) as Record<string, unknown>;
  const binaries = [...strings(requires.bins), ...strings(requires.anyBins)];
  const env = [
    ...strings(requires.env),
    ...(typeof block?.primaryEnv === 'string' ? [block.primaryEnv] : []),
  ];
  const install: PackNeeds['install'] = [];
  for (const step of Array.isArray(block?.install) ? block.install : []) {
    if (typeof step !== 'object' || step === null) continue;
    const fields = step as Record<string, unknown>;
    const kind = typeof fields.kind === 'string' ? fields.kind.slice(0, 40) : 'unknown';
    const target = [fields.formula, fields.package, fields.module, fields.url].find(
      (value) => typeof value === 'string',
    ) as string | undefined;
    install.push({
      kind,
      ...(typeof fields.label === 'string' ? { label: fields.label.slice(0, 200) } : {}),
      ...(target === undefined ? {} : { target: target.slice(0, 500) }),
    });
    if (kind === 'download' || (target !== undefined && /^https?:\/\//.test(target)))
      warnings.push(
        `install step "${kind}" downloads ${target ?? 'something'}: check what it runs before confirming`,
      );
  }
  for (const name of strings(requires.config))
    warnings.push(`the skill reads the setting ${name}: it is not granted`);
  if (frontMatter['allowed-tools'] !== undefined)
    warnings.push(
      `the skill asks for tools (${String(frontMatter['allowed-tools']).slice(0, 200)}): Castellan grants only the pack's own tools`,
    );
  const valid = {
    binaries: unique(binaries).filter((name) =>
      keep(/^[A-Za-z0-9_.+-]{1,64}$/, name, 'binary', warnings),
    ),
    env: unique(env).filter((name) =>
      keep(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, name, 'environment variable', warnings),
    ),
  };
  return {
    needs: {
      binaries: valid.binaries.slice(0, 32),
      env: valid.env.slice(0, 32),
      install: install.slice(0, 16),
      reviewed: false,
    },
    warnings,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function keep(pattern: RegExp, name: string, what: string, warnings: string[]): boolean {
  if (pattern.test(name)) return true;
  warnings.push(
    `the ${what} ${JSON.stringify(name.slice(0, 80))} is not a plain name and was left out`,
  );
  return false;
}
