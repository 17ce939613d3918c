/**
 * Secrets of the configuration (SMPP and SMTP passwords, signing keys, SIM PINs) never appear in what
 * cellgate prints: `cellgate start` on a bad file, `cellgate config check`, PUT /api/smpp/accounts,
 * and the debug log of the effective configuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon } from '../../src/app.js';
import { createLogger } from '../../src/util/log.js';
import { repoRoot } from '../helpers/transcript.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');
// The PIN is looked for with its opening quote: bare digits turn up in times and process ids.
const SECRETS = ['secretpassword', 'smtp-secret-9', 'disc0very!', 'hook-key-77', '"4711', 'pw-in-list'];

function tempDir(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-secrets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function assertNoSecret(text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${JSON.stringify(s)} shown in:\n${text}`);
}

/** Every secret field with a value the schema refuses. */
const BAD = {
  modems: { autoDetect: false },
  simulator: { mode: 'off' },
  smpp: { accounts: [{ systemId: '1', password: 'secretpassword' }] },
  mail: { host: 'smtp.example.com', from: 'ops@example.com', password: { value: 'smtp-secret-9' } },
  ownNumber: { discovery: { enabled: true, secret: 'xv9k2' } },
  sms: { forward: [{ webhook: { url: 'https://example.com/hook', secret: 'zq7w' } }] },
  lines: [{ port: '/dev/cellgate-none', enabled: false, pins: { A: '4711x' } }],
};

test('cellgate start on a configuration with bad secrets names the fields, not the secrets', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(BAD));
  const r = await run(['start', '--data', dir, '--http-port', '0', '--sip-port', '0']);
  assert.notEqual(r.code, 0);
  for (const field of ['smpp.accounts[0].password', 'mail.password', 'ownNumber.discovery.secret', 'sms.forward[0].webhook.secret', 'lines[0].pins.A']) {
    assert.ok(r.stderr.includes(field), `${field} in:\n${r.stderr}`);
  }
  assertNoSecret(r.stdout + r.stderr);
  assert.ok(!r.stderr.includes('xv9k2') && !r.stderr.includes('zq7w'), r.stderr);
});

test('cellgate config check names the fields, not the secrets', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(BAD));
  const r = await run(['config', 'check', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /smpp\.accounts\[0\]\.password: expected a password of 1 to 8 characters .*, got a string of 14 characters/);
  assert.match(r.stderr, /mail\.password: expected a password, got an object/);
  assertNoSecret(r.stdout + r.stderr);
  assert.ok(!r.stderr.includes('xv9k2') && !r.stderr.includes('zq7w'), r.stderr);
});

test('PUT /api/smpp/accounts refuses a bad password without echoing it; the debug log redacts the configuration', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      modems: { autoDetect: false },
      simulator: { mode: 'off' },
      smpp: { accounts: [{ systemId: 'kannel', password: 'pw-in-li' }] },
      mail: { host: 'smtp.example.com', from: 'ops@example.com', user: 'gw', password: 'smtp-secret-9' },
      ownNumber: { discovery: { enabled: false, secret: 'disc0very!' } },
      sms: { forward: [{ webhook: { url: 'https://example.com/hook', secret: 'hook-key-77' } }] },
      lines: [{ port: '/dev/cellgate-none', enabled: false, pins: { A: '4711' } }],
    }),
  );
  let logged = '';
  const log = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => ((logged += String(c)), cb()) }) });
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log, logLevel: 'debug', out: new Writable({ write: (_c, _e, cb) => cb() }) });
  t.after(() => d.stop());
  await d.auth.setPassword('admin', 'secrets-test-password');
  const auth = { authorization: 'Basic ' + Buffer.from('admin:secrets-test-password').toString('base64') };

  const r = await fetch(`http://127.0.0.1:${d.port}/api/smpp/accounts`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify([{ systemId: '1', password: 'secretpassword' }, { systemId: '2', password: ['pw-in-list'] }]),
  });
  assert.equal(r.status, 400);
  const body = (await r.json()) as { error: string };
  assert.match(body.error, /smpp\.accounts\[0\]\.password: expected a password of 1 to 8 characters .*, got a string of 14 characters/);
  assert.match(body.error, /smpp\.accounts\[1\]\.password: .*got an array/);
  assertNoSecret(body.error);
  assert.equal(d.config.get().smpp.accounts[0]!.systemId, 'kannel', 'nothing was saved');

  const line = logged.split('\n').find((l) => l.includes('effective configuration'));
  assert.ok(line, 'the effective configuration is logged at debug level');
  const cfg = JSON.parse(line).config;
  assert.equal(cfg.smpp.accounts[0].systemId, 'kannel');
  assert.equal(cfg.smpp.accounts[0].password, '[redacted]');
  assert.equal(cfg.mail.password, '[redacted]');
  assert.equal(cfg.mail.user, 'gw');
  assert.equal(cfg.lines[0].pins.A, '[redacted]');
  assertNoSecret(logged);
  assert.ok(!logged.includes('pw-in-li'));
});
