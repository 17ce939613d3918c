/**
 * `cellgate simulate` finds the daemon's control API through the data directory: the daemon (demo mode,
 * control API on a port of its own choosing) writes simulator-control.json, and removes it on stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');

function simulate(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'simulate', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function until<T>(what: string, f: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('cellgate simulate --data DIR reaches the daemon\'s control API on a port chosen at start; the address file goes on stop', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-simaddr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { modems: 2, timing: 'zero' } }));
  const child = spawn(process.execPath, [bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0', '--sim-control-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  try {
    const control = await until('the control API address in the log', () => /"control":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1]);
    await until('cellgate API listening', () => (/cellgate API listening/.test(out) ? true : undefined));
    const file = join(dir, 'simulator-control.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
    assert.equal(doc.url, control);
    assert.equal(doc.pid, child.pid);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const modems = simulate(['modems', '--data', dir]);
    assert.equal(modems.status, 0, modems.stderr);
    assert.equal((JSON.parse(modems.stdout) as { modems: unknown[] }).modems.length, 2);
    // --api still names the address directly.
    const viaApi = simulate(['sims', '--api', control]);
    assert.equal(viaApi.status, 0, viaApi.stderr);
    assert.equal(simulate(['modems', '--data', dir, '--api', control]).status, 2, 'one or the other');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, out.slice(-2000));
  assert.equal(existsSync(join(dir, 'simulator-control.json')), false, 'removed on a clean stop');
  const after = simulate(['modems', '--data', dir]);
  assert.equal(after.status, 1);
  assert.match(after.stderr, /cannot reach the simulator control API at http:\/\/127\.0\.0\.1:8081 \(the default; no daemon wrote .*simulator-control\.json: give --data DIR or --api URL\)/);
});

test('an address left by a daemon that no longer runs is reported as stale', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-simaddr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(dir, 'simulator-control.json'), JSON.stringify({ url: 'http://127.0.0.1:1', pid: Number(gone) }));
  const r = simulate(['modems', '--data', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`names http://127\\.0\\.0\\.1:1, but the daemon that wrote it \\(pid ${gone}\\) is not running`));
  writeFileSync(join(dir, 'simulator-control.json'), '{"url": 5}');
  assert.match(simulate(['modems', '--data', dir]).stderr, /cannot use .*simulator-control\.json: expected \{"url": "http:\/\/…", "pid": N\}; give --api URL/);
});
