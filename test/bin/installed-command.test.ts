/**
 * The `#!` line of bin/cellgate.js is how the daemon runs when installed (and through `npm start`): it
 * sets the V8 flag and the glibc malloc settings that keep it within its memory budget
 * (docs/decisions/0018-memory-budget.md). These tests run that line as the kernel would, through
 * `env -S`, and check what the node process gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installedNodeCommand } from '../../bench/helpers/gateway-under-test.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bin = `${repoRoot}bin/cellgate.js`;
const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0]!;

test('the #! line fits the 128 bytes that Linux kernels before 5.1 read of it', () => {
  assert.ok(Buffer.byteLength(shebang + '\n') <= 128, `${Buffer.byteLength(shebang)} bytes: ${shebang}`);
});

test('node started by the #! line has bounded malloc arenas and threshold, 1 MB semi-spaces and a 256 MB old space', () => {
  assert.match(shebang, /^#!\/usr\/bin\/env -S /);
  const words = shebang.slice('#!/usr/bin/env -S '.length).split(/\s+/);
  const probe = 'console.log(JSON.stringify({ env: process.env, flags: process.execArgv }))';
  // The same words through env -S, with a script instead of the CLI: what the kernel runs for `cellgate`.
  const out = execFileSync('/usr/bin/env', ['-S', [...words, '-e', `'${probe}'`].join(' ')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const seen = JSON.parse(out) as { env: Record<string, string>; flags: string[] };
  assert.equal(seen.env.MALLOC_ARENA_MAX, '2');
  assert.ok(Number(seen.env.MALLOC_MMAP_THRESHOLD_) > 0 && Number(seen.env.MALLOC_MMAP_THRESHOLD_) <= 1 << 20, `mmap threshold ${seen.env.MALLOC_MMAP_THRESHOLD_}`);
  assert.ok(seen.flags.includes('--max-semi-space-size=1'), `flags ${seen.flags.join(' ')}`);
  // 256 MB or less: V8's memory-constrained growth of the old generation (decision 0062).
  assert.ok(seen.flags.includes('--max-old-space-size=256'), `flags ${seen.flags.join(' ')}`);
});

test('the bench measures the daemon with what the #! line sets', () => {
  const installed = installedNodeCommand(bin);
  assert.equal(installed.env.MALLOC_ARENA_MAX, '2');
  assert.ok(installed.env.MALLOC_MMAP_THRESHOLD_);
  assert.deepEqual(installed.flags, ['--max-semi-space-size=1', '--max-old-space-size=256']);
});

test('npm start runs the daemon through the #! line', () => {
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.start, 'bin/cellgate.js start');
});
