/**
 * Castellan's own lint: the rules of DESIGN.md that a general linter cannot know.
 *  - layering: a room imports only rooms above it (and never a room on its own level);
 *  - other rooms are imported only through their index.ts;
 *  - only sandbox/ imports child_process; only config/ reads process.env; only store/ imports
 *    database drivers or Kysely;
 *  - no `export *` in an index.ts (each room names what it exports).
 * Tests and __fixtures__ are read too, as test code: exempt from the layering and from the
 * process.env and driver rules, not from the rest (no child_process outside src/sandbox/). Plain JavaScript modules in src/ (.mjs) are read like TypeScript.
 * Prints one line per violation and exits 1 when there is any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const sourceRoot = join(root, 'src');

/** Level of each room; a room may import rooms with a strictly lower level, plus `core`. */
const levels: Record<string, number> = {
  core: 0,
  config: 1,
  store: 1,
  telemetry: 1,
  audit: 2,
  identity: 2,
  tokens: 2,
  policy: 2,
  guard: 2,
  sandbox: 2,
  packs: 2,
  approvals: 2,
  connectors: 3,
  gate: 4,
  runtime: 5,
  api: 6,
  server: 7,
  cli: 8, // the CLI's `serve` starts the HTTP server, so it sits one level above server/
};

// `tests: true`: tests and fixtures may break the rule too. Nothing under src/ but the sandbox
// starts processes, tests included: tests that run programs live in test/.
const onlyIn: Array<{ pattern: RegExp; room: string; what: string; tests?: boolean }> = [
  { pattern: /from ['"](node:)?child_process['"]/, room: 'sandbox', what: 'child_process' },
  { pattern: /\bprocess\.env\b/, room: 'config', what: 'process.env', tests: true },
  {
    pattern: /from ['"](kysely|pg|better-sqlite3)['"]/,
    room: 'store',
    what: 'a database driver',
    tests: true,
  },
];

function walk(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.(ts|mts|mjs)$/.test(path) ? [path] : [];
  });
}

function roomOf(file: string): string | undefined {
  const parts = relative(sourceRoot, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const violations: string[] = [];
for (const file of walk(sourceRoot)) {
  const room = roomOf(file);
  const name = relative(root, file);
  if (room === undefined) continue;
  if (!(room in levels)) {
    violations.push(`${name}: room "${room}" is not in DESIGN.md's list`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  // Tests and their fixtures (harnesses, worker scripts) may reach into any room; product code
  // may not.
  const isTest = file.endsWith('.test.ts') || file.includes(`${sep}__fixtures__${sep}`);
  for (const rule of onlyIn) {
    if (rule.room !== room && !(isTest && rule.tests === true) && rule.pattern.test(text)) {
      violations.push(`${name}: only src/${rule.room}/ may use ${rule.what}`);
    }
  }
  if (file.endsWith(`${sep}index.ts`) && /export\s+\*/.test(text)) {
    violations.push(`${name}: index.ts names its exports; no \`export *\``);
  }
  for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), match[1] ?? '');
    if (!target.startsWith(sourceRoot + sep)) continue;
    const targetRoom = roomOf(target);
    if (targetRoom === undefined || targetRoom === room) continue;
    const targetLevel = levels[targetRoom];
    const ownLevel = levels[room] ?? 0;
    if (targetLevel === undefined) {
      violations.push(`${name}: imports unknown room "${targetRoom}"`);
    } else if (targetLevel >= ownLevel && !isTest) {
      violations.push(
        `${name}: ${room} (level ${ownLevel}) may not import ${targetRoom} (level ${targetLevel})`,
      );
    }
    const inner = relative(join(sourceRoot, targetRoom), target);
    if (!isTest && inner !== 'index.js' && inner !== 'index.ts' && inner !== 'index') {
      violations.push(`${name}: import ${targetRoom}/ through its index.ts, not ${inner}`);
    }
  }
}

if (violations.length > 0) {
  for (const violation of violations) console.error(violation);
  console.error(`lint: ${violations.length} violation(s)`);
  process.exit(1);
}
console.log('lint: layering and room rules hold');
