#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's built-in test runner.
// Node 20's `--test` does not take glob patterns, so the file list is built here.
// Usage: node scripts/run-tests.mjs [substring-filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const testRoot = join(root, 'dist', 'test');
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = walk(testRoot, []).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));
if (files.length === 0) {
  console.error('no test files found under dist/test (did `tsc` run?)');
  process.exit(1);
}
// Three phases. Unit and component tests run two files at a time. The browser tests (dist/test/browser:
// a demo daemon and a Chromium per file, waiting on what the page shows) run two files at a time after
// them. The end-to-end tests (dist/test/e2e: whole daemons, simulator processes, Kannel, SMPP bursts,
// kill -9, audio delay) run one at a time last: run beside the timing-sensitive tests (a hung modem
// detected within 10 s, say) they starve them of CPU on a two-core machine, and each other too.
const area = (f) => relative(testRoot, f).split('/')[0];
const phases = [
  { files: files.filter((f) => area(f) !== 'e2e' && area(f) !== 'browser'), concurrency: 2 },
  { files: files.filter((f) => area(f) === 'browser'), concurrency: 2 },
  { files: files.filter((f) => area(f) === 'e2e'), concurrency: 1 },
];
let status = 0;
for (const { files: list, concurrency } of phases) {
  if (list.length === 0) continue;
  const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...list], { stdio: 'inherit', cwd: root });
  if ((r.status ?? 1) !== 0) status = r.status ?? 1;
}
process.exit(status);
