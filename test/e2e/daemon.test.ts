/**
 * End to end through the real CLI: `cellgate start` as a child process, a modem on a real pseudo-terminal
 * (socat), the JSON API with the first-start admin password; `cellgate config check`; `cellgate passwd`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';
import { MiniModem } from '../helpers/mini-modem.js';
import { ptyBridge } from '../helpers/pty.js';

const root = repoRoot();
const bin = join(root, 'bin', 'cellgate.js');

function basic(pw: string) {
  return { authorization: 'Basic ' + Buffer.from(`admin:${pw}`).toString('base64') };
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('cellgate start: a modem on a pty comes up and the API shows it; auth is required', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-e2e-'));
  const modem = new MiniModem({ imei: '861234567890123' });
  const pty = await ptyBridge(join(dir, 'ttyMODEM0'), () => modem.open());
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, lines: [{ id: 1, port: pty.path, name: 'pty line' }] }));
  const child = spawn(process.execPath, [bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const printed = await until('password banner', () => /admin \/ (\S+)/.exec(out)?.[1], 15_000);
    const password = 'the operator chose this';
    const port = await until('listening log', () => /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1], 15_000);
    const base = `http://127.0.0.1:${port}`;
    assert.ok(!out.includes(`"${printed}"`), 'the password is not in the JSON log');

    const anon = await fetch(`${base}/api/lines`);
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /Basic/);

    // The printed password opens only the password change until the operator chose their own.
    const held = await fetch(`${base}/api/lines`, { headers: basic(printed) });
    assert.equal(held.status, 403);
    assert.equal(((await held.json()) as { mustChangePassword?: boolean }).mustChangePassword, true);
    const changed = await fetch(`${base}/api/me/password`, {
      method: 'PUT',
      headers: { ...basic(printed), 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: printed, password }),
    });
    assert.equal(changed.status, 200);

    const line = await until(
      'line registered',
      async () => {
        const r = await fetch(`${base}/api/lines/1`, { headers: basic(password) });
        const j = (await r.json()) as { lifecycle: string; operator: string | null };
        return j.lifecycle === 'registered' && j.operator ? j : undefined;
      },
      20_000,
    );
    assert.equal((line as unknown as { reg: string }).reg, '4G');
    assert.equal((line as unknown as { modem: { port: string; imei: string } }).modem.port, pty.path);
    assert.equal((line as unknown as { modem: { imei: string } }).modem.imei, '861234567890123');

    const dev = (await (await fetch(`${base}/api/device`, { headers: basic(password) })).json()) as { lines: { total: number; registered: number } };
    assert.deepEqual(dev.lines, { total: 1, registered: 1 });
  } finally {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await pty.stop();
    assert.equal(code, 0, out.slice(-2000));
  }
  // second start: no new password is printed
  const again = spawn(process.execPath, [bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out2 = '';
  again.stdout.on('data', (d) => (out2 += d));
  await until('listening', () => (/cellgate API listening/.test(out2) ? true : undefined), 15_000);
  again.kill('SIGTERM');
  await new Promise((r) => again.on('exit', r));
  assert.ok(!/admin \/ /.test(out2), 'the password is printed only on the first start');
});

test('cellgate config check names the field and what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-check-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ http: { port: 'abc' } }));
  const r = spawnSync(process.execPath, [bin, 'config', 'check', bad], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr + r.stdout, /http\.port: expected an integer from 1 to 65535, got "abc"/);
  writeFileSync(bad, JSON.stringify({ lines: [{ port: '/dev/ttyUSB_nope' }] }));
  const d = spawnSync(process.execPath, [bin, 'config', 'check', bad], { encoding: 'utf8' });
  assert.equal(d.status, 1, d.stdout + d.stderr);
  assert.match(d.stderr + d.stdout, /lines\[0\]\.port: no such device/);
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ device: { name: 'gw1' } }));
  const ok = spawnSync(process.execPath, [bin, 'config', 'check', good], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const syntax = join(dir, 'syntax.json');
  writeFileSync(syntax, '{\n  "http": { "port": 80,, }\n}');
  const s = spawnSync(process.execPath, [bin, 'config', 'check', syntax], { encoding: 'utf8' });
  assert.equal(s.status, 1);
  assert.match(s.stderr + s.stdout, /2:\d+/);
});

test('cellgate passwd sets the admin password from stdin; the daemon accepts it', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-pw-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' } }));
  const short = spawnSync(process.execPath, [bin, 'passwd', '--data', dir], { input: 'short\n', encoding: 'utf8' });
  assert.equal(short.status, 2);
  assert.match(short.stderr, /at least 8 characters/);
  const r = spawnSync(process.execPath, [bin, 'passwd', '--data', dir], { input: 'correct horse battery\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const child = spawn(process.execPath, [bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    const port = await until('listening', () => /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1], 15_000);
    assert.ok(!/admin \/ /.test(out), 'no generated password when one was set');
    const ok = await fetch(`http://127.0.0.1:${port}/api/device`, { headers: basic('correct horse battery') });
    assert.equal(ok.status, 200);
    const bad = await fetch(`http://127.0.0.1:${port}/api/device`, { headers: basic('wrong password') });
    assert.equal(bad.status, 401);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  }
});
