/**
 * Accounts end to end: the daemon (in process, no modems) with its JSON API, `cellgate user` and
 * `cellgate passwd` run against its data directory while it runs, and a restart.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import { AuthStore } from '../../src/config/auth-store.js';
import { silentLogger } from '../../src/util/log.js';
import { repoRoot } from '../helpers/transcript.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');
const ADMIN_PW = 'admin-password-1';

function basic(user: string, pw: string): Record<string, string> {
  return { authorization: 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64') };
}

/** What a browser sends on a session: the session cookie and, for changes, its CSRF token. */
type SessionHeaders = { cookie: string; 'x-csrf-token': string };

/** The session a response set (cellgate_session and cellgate_csrf cookies), if it set one. */
function sessionOf(r: Response): SessionHeaders | null {
  const pairs = r.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const session = pairs.find((p) => p.startsWith('cellgate_session=') && p !== 'cellgate_session=');
  const csrf = pairs.find((p) => p.startsWith('cellgate_csrf='));
  return session && csrf ? { cookie: session, 'x-csrf-token': csrf.slice('cellgate_csrf='.length) } : null;
}

interface Api {
  d: Daemon;
  dir: string;
  base: string;
  call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any; session: SessionHeaders | null; text: string }>;
  login(user: string, pw: string): Promise<SessionHeaders>;
}

async function start(t: TestContext, dir?: string): Promise<Api> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'cellgate-users-'));
  if (!dir) {
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' } }));
    await (await AuthStore.open({ dataDir })).setPassword('admin', ADMIN_PW);
  }
  const d = await startDaemon({ dataDir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), logLevel: 'silent', out: new Writable({ write: (_c, _e, cb) => cb() }) });
  const base = `http://127.0.0.1:${d.port}/api`;
  const call: Api['call'] = async (method, path, headers, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null, session: sessionOf(r), text };
  };
  const login = async (user: string, pw: string) => {
    const r = await call('POST', '/login', {}, { user, password: pw });
    assert.equal(r.status, 200, r.text);
    return r.session!;
  };
  return { d, dir: dataDir, base, call, login };
}

/** The CLI as a child process; asynchronous, so the daemon in this process keeps running meanwhile. */
function cli(dir: string, args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args, '--data', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

async function until(what: string, f: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ADMIN = basic('admin', ADMIN_PW);

test('users API: admins create, list, change and delete accounts; no hashes; sessions of a changed account end', { timeout: 60_000 }, async (t) => {
  const a = await start(t);
  t.after(() => a.d.stop());

  const created = await a.call('POST', '/users', ADMIN, { name: 'viewer', password: 'viewer-password', role: 'user' });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual({ ...created.body, changedAt: typeof created.body.changedAt }, { name: 'viewer', role: 'user', changedAt: 'string', lastLogin: null, mustChangePassword: true });
  assert.equal((await a.call('POST', '/users', ADMIN, { name: 'viewer', password: 'other-password', role: 'sms' })).status, 409);
  assert.match((await a.call('POST', '/users', ADMIN, { name: 'x1', password: 'other-password', role: 'root' })).body.error, /role: expected one of admin, user, sms/);
  assert.match((await a.call('POST', '/users', ADMIN, { name: 'x1', password: 'short', role: 'sms' })).body.error, /at least 8 characters/);
  assert.match((await a.call('POST', '/users', ADMIN, { name: 'Bad Name', password: 'password-1', role: 'sms' })).body.error, /invalid user name/);
  assert.match((await a.call('POST', '/users', ADMIN, { name: 'x1', password: 'password-1', role: 'sms', hash: 'x' })).body.error, /unknown key "hash"/);

  const listed = await a.call('GET', '/users', ADMIN);
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.users.map((u: { name: string; role: string }) => [u.name, u.role]), [['admin', 'admin'], ['viewer', 'user']]);
  assert.doesNotMatch(listed.text, /scrypt|hash/, 'no password hash leaves the daemon');
  assert.equal((await a.call('GET', '/users/viewer', ADMIN)).body.role, 'user');
  assert.equal((await a.call('GET', '/users/ghost', ADMIN)).status, 404);

  // Only admins manage accounts.
  const viewer = basic('viewer', 'viewer-password');
  assert.equal((await a.call('GET', '/users', viewer)).status, 403);
  assert.equal((await a.call('POST', '/users', viewer, { name: 'evil', password: 'password-1', role: 'admin' })).status, 403);

  // A role change ends the account's sessions; Basic credentials see the new role.
  const session = await a.login('viewer', 'viewer-password');
  assert.equal((await a.call('GET', '/me', session)).body.role, 'user');
  const promoted = await a.call('PUT', '/users/viewer', ADMIN, { role: 'sms' });
  assert.equal(promoted.status, 200, promoted.text);
  assert.equal(promoted.body.role, 'sms');
  assert.equal((await a.call('GET', '/me', session)).status, 401, 'the old session ended');
  assert.equal((await a.call('GET', '/me', viewer)).body.role, 'sms');

  // A password change by an admin: sessions end, the old password (even a cached Basic header) stops working.
  const session2 = await a.login('viewer', 'viewer-password');
  assert.equal((await a.call('PUT', '/users/viewer', ADMIN, { password: 'viewer-password-2' })).status, 200);
  assert.equal((await a.call('GET', '/me', session2)).status, 401);
  assert.equal((await a.call('GET', '/me', viewer)).status, 401);
  assert.equal((await a.call('GET', '/me', basic('viewer', 'viewer-password-2'))).status, 200);
  assert.match((await a.call('PUT', '/users/viewer', ADMIN, {})).body.error, /with role or password/);
  assert.equal((await a.call('PUT', '/users/ghost', ADMIN, { role: 'user' })).status, 404);

  // The last admin stays.
  const del = await a.call('DELETE', '/users/admin', ADMIN);
  assert.equal(del.status, 409);
  assert.match(del.body.error, /last admin/);
  assert.equal((await a.call('PUT', '/users/admin', ADMIN, { role: 'user' })).status, 409);

  assert.deepEqual((await a.call('DELETE', '/users/viewer', ADMIN)).body, { deleted: 'viewer' });
  assert.equal((await a.call('GET', '/me', basic('viewer', 'viewer-password-2'))).status, 401);
  assert.equal((await a.call('DELETE', '/users/viewer', ADMIN)).status, 404);
});

test('own password: any role, needs the current one, renews the caller\'s session, guesses are limited', { timeout: 60_000 }, async (t) => {
  const a = await start(t);
  t.after(() => a.d.stop());
  await a.call('POST', '/users', ADMIN, { name: 'gateway', password: 'gateway-password', role: 'sms' });
  const old = await a.login('gateway', 'gateway-password');
  const other = await a.login('gateway', 'gateway-password');

  assert.match((await a.call('PUT', '/me/password', old, { password: 'gateway-password-2' })).body.error, /currentPassword: needed/);
  const wrong = await a.call('PUT', '/me/password', old, { currentPassword: 'nope-nope', password: 'gateway-password-2' });
  assert.equal(wrong.status, 403);
  const ok = await a.call('PUT', '/me/password', old, { currentPassword: 'gateway-password', password: 'gateway-password-2' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.name, 'gateway');
  assert.doesNotMatch(ok.text, /scrypt|hash/);
  assert.ok(ok.session && ok.session.cookie !== old.cookie, 'a new session cookie');
  assert.equal((await a.call('GET', '/me', old)).status, 401, 'the session used for the change ended');
  assert.equal((await a.call('GET', '/me', other)).status, 401, 'every other session of the account ended');
  assert.equal((await a.call('GET', '/me', ok.session!)).body.user, 'gateway');
  assert.equal((await a.call('GET', '/me', basic('gateway', 'gateway-password-2'))).status, 200);

  // An admin changing their own password through /users/:name also names the current one.
  assert.equal((await a.call('PUT', '/users/admin', ADMIN, { password: 'admin-password-2' })).status, 400);
  assert.equal((await a.call('PUT', '/users/admin', ADMIN, { password: 'admin-password-2', currentPassword: 'wrong-one' })).status, 403);

  // A stolen session cannot try current passwords without limit.
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    statuses.push((await a.call('PUT', '/me/password', ok.session!, { currentPassword: `guess-${i}-xx`, password: 'gateway-password-3' })).status);
  }
  assert.deepEqual(statuses, [403, 403, 403, 403, 403, 429]);
});

test('cellgate user and passwd while the daemon runs: it picks the change up and ends that account\'s sessions', { timeout: 60_000 }, async (t) => {
  const a = await start(t);
  t.after(() => a.d.stop());
  const add = await cli(a.dir, ['user', 'add', 'viewer', '--role', 'user'], 'viewer-password\n');
  assert.equal(add.status, 0, add.stderr);
  await until('the daemon knows the new user', async () => (await a.call('GET', '/me', basic('viewer', 'viewer-password'))).status === 200);
  const session = await a.login('viewer', 'viewer-password');

  const setRole = await cli(a.dir, ['user', 'set-role', 'viewer', 'sms']);
  assert.equal(setRole.status, 0, setRole.stderr);
  await until('the session ends', async () => (await a.call('GET', '/me', session)).status === 401);
  assert.equal((await a.call('GET', '/me', basic('viewer', 'viewer-password'))).body.role, 'sms');

  // A verified Basic header is cached; a password change by the CLI must still end it at once.
  assert.equal((await a.call('GET', '/users', ADMIN)).status, 200);
  const pw = await cli(a.dir, ['passwd'], 'admin-password-2\n');
  assert.equal(pw.status, 0, pw.stderr);
  await until('the old admin password stops working', async () => (await a.call('GET', '/users', ADMIN)).status === 401);
  assert.equal((await a.call('GET', '/users', basic('admin', 'admin-password-2'))).status, 200);

  const del = await cli(a.dir, ['user', 'del', 'viewer']);
  assert.equal(del.status, 0, del.stderr);
  await until('the deleted user is refused', async () => (await a.call('GET', '/me', basic('viewer', 'viewer-password'))).status === 401);
});

test('last login: per account and for the device, kept across a daemon restart', { timeout: 60_000 }, async (t) => {
  const a = await start(t);
  assert.equal((await a.call('GET', '/device', ADMIN)).body.lastLogin, null);
  await a.login('admin', ADMIN_PW);
  let users: Array<{ name: string; lastLogin: string | null }> = [];
  await until('the login time is recorded', async () => {
    users = (await a.call('GET', '/users', ADMIN)).body.users;
    return users[0]!.lastLogin !== null;
  });
  const at = users[0]!.lastLogin!;
  assert.ok(Math.abs(Date.parse(at) - Date.now()) < 60_000);
  assert.equal((await a.call('GET', '/device', ADMIN)).body.lastLogin, at);
  await a.d.stop();

  const b = await start(t, a.dir);
  t.after(() => b.d.stop());
  assert.equal((await b.call('GET', '/device', ADMIN)).body.lastLogin, at);
  assert.equal((await b.call('GET', '/users/admin', ADMIN)).body.lastLogin, at);
  const list = await cli(a.dir, ['user', 'list']);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^admin\\s+admin\\s+${at.replace(/\./g, '\\.')}$`, 'm'));
});
