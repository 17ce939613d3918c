#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*.bench.js) one after the other; each prints its figures.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'dist', 'bench');
const filters = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.js')).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
// Benchmarks measure the daemon as it runs: the environment and node flags of bin/cellgate.js's first
// line (`#!/usr/bin/env -S VAR=value … node --flag …`), so a bench that hosts the daemon in its own
// process pays for the same young generation and allocator settings.
const launcher = readFileSync(join(root, 'bin', 'cellgate.js'), 'utf8').split('\n')[0].split(/\s+/);
const env = { ...process.env };
const flags = [];
for (const word of launcher.slice(launcher.indexOf('node') + 1)) if (word.startsWith('--')) flags.push(word);
for (const word of launcher.slice(0, launcher.indexOf('node'))) {
  const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word);
  if (m) env[m[1]] = m[2];
}
console.log(`benchmarks run as the daemon does: node ${flags.join(' ')}`);
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f.replace(/\.bench\.js$/, '')}`);
  const r = spawnSync(process.execPath, [...flags, '--expose-gc', join(dir, f)], { stdio: 'inherit', cwd: root, env });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
