/**
 * What `cellgate start` loads before it needs it stays in its memory for good (ES modules are never
 * unloaded): the optional parts are imported with `import()` where they are used
 * (docs/decisions/0018-memory-budget.md). This walks the static, non-type imports from the CLI entry
 * and checks that none of the optional parts is reached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Specifiers of the static imports and re-exports of a module that are not type-only. */
export function staticImports(text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[\s\S]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Every module (repo path) and package name reached from `entry` through static imports. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(readFileSync(join(repoRoot, file), 'utf8'))) {
      if (spec.startsWith('.')) {
        const ts = join(dirname(join(repoRoot, file)), spec).replace(/\.js$/, '.ts');
        if (existsSync(ts)) todo.push(relative(repoRoot, ts).split(sep).join('/'));
      } else if (!spec.startsWith('node:')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return { files, packages };
}

test('staticImports: value imports and re-exports count; type-only ones and import() do not', () => {
  const text = [
    "import { a } from './a.js';",
    "import type { B } from './b.js';",
    "import {\n  c,\n  type C,\n} from './c.js';",
    "export { d } from './d.js';",
    "export type { E } from './e.js';",
    "import './f.js';",
    "const g = await import('./g.js');",
  ].join('\n');
  assert.deepEqual(staticImports(text), ['./a.js', './c.js', './d.js', './f.js']);
});

test('the daemon loads no optional part at start: simulator, SMPP server and library, mail, pretty logs', () => {
  const { files, packages } = reachable('src/cli.ts');
  const eager = [...files].filter((f) => f.startsWith('modem-drivers/simulator/') || f === 'src/smpp/server.ts' || f === 'src/smpp/session.ts');
  assert.deepEqual(eager, [], `loaded at start: ${eager.join(', ')}`);
  for (const pkg of ['smpp', 'nodemailer', 'pino-pretty', 'smtp-server']) assert.ok(!packages.has(pkg), `package ${pkg} is loaded at start`);
});
