/**
 * The data directory is private: `cellgate start`, run with umask 000 on a directory left 0755 with
 * files 0644 in it, makes the directory 0700 and every file 0600, logs what it tightened, and creates
 * its own files (auth.json, cellgate.db and its -wal/-shm, config.json on a save and its backup) 0600.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';
import { replacePrintedPassword } from './helpers/first-password.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');
const mode = (p: string) => `0${(statSync(p).mode & 0o777).toString(8)}`;

async function until<T>(what: string, f: () => T | undefined, timeoutMs: number, out: () => string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('start on a 0755 data directory with 0644 files: everything becomes private, new files are 0600 under umask 000', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-modes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' }, lines: [{ port: '/dev/cellgate-none', enabled: false, pins: { A: '1234' } }] }));
  chmodSync(config, 0o644);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'left here by someone');
  chmodSync(notes, 0o644);
  mkdirSync(join(dir, 'old'));
  chmodSync(join(dir, 'old'), 0o755);
  writeFileSync(join(dir, 'old', 'cellgate.db.backup'), 'x');
  chmodSync(join(dir, 'old', 'cellgate.db.backup'), 0o640);

  const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  t.after(() => child.kill('SIGKILL'));
  const password = await until('password banner', () => /admin \/ (\S+)/.exec(out)?.[1], 20_000, () => out);
  const port = await until('listening log', () => /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1], 20_000, () => out);

  // what was there is tightened, and the log says so
  assert.equal(mode(dir), '0700');
  assert.equal(mode(config), '0600');
  assert.equal(mode(notes), '0600');
  assert.equal(mode(join(dir, 'old')), '0700');
  assert.equal(mode(join(dir, 'old', 'cellgate.db.backup')), '0600');
  assert.match(out, /data directory [^\n]* was 0755; made it 0700/);
  assert.match(out, /notes\.txt 0644 → 0600/);
  assert.match(out, /config\.json 0644 → 0600/);
  assert.match(out, /cellgate\.db\.backup 0640 → 0600/);

  // a save of the configuration writes a new config.json and keeps the old one as config.json.bak
  const chosen = await replacePrintedPassword(`http://127.0.0.1:${port}`, password);
  const auth = { authorization: 'Basic ' + Buffer.from(`admin:${chosen}`).toString('base64') };
  const r = await fetch(`http://127.0.0.1:${port}/api/smpp/accounts`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify([{ systemId: 'kannel', password: 'pw' }]),
  });
  assert.equal(r.status, 200, await r.text());

  // what the daemon created itself, under umask 000
  for (const f of ['auth.json', 'cellgate.db', 'cellgate.db-wal', 'cellgate.db-shm', 'config.json', 'config.json.bak']) {
    assert.ok(existsSync(join(dir, f)), `${f} exists`);
  }
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) assert.equal(mode(p), '0700', f);
    else assert.equal(mode(p), '0600', f);
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
});
