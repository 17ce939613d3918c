/**
 * The first-start password flow: an account whose password was generated (first start) or set by an
 * admin for someone else carries `mustChangePassword`; until its owner changes it, every API route but
 * /me, /me/password, /logout and /health answers 403 `{error, mustChangePassword: true}`.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthStore } from '../../src/config/auth-store.js';
import { silentLogger } from '../../src/util/log.js';
import { SessionStore } from '../../src/web/sessions.js';
import { userRoutes } from '../../src/web/user-routes.js';
import { basic, json, startApp } from './harness.js';

async function setUp(t: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-first-password-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = await AuthStore.open({ dataDir: dir });
  const initial = await store.ensureAdminPassword();
  assert.ok(initial);
  const sessions = new SessionStore();
  const h = await startApp({ auth: store, sessions, extraRoutes: (bodyLimit) => userRoutes({ users: store, sessions, bodyLimit, log: silentLogger() }) });
  t.after(() => h.close());
  const call = (method: string, p: string, auth: string, body?: unknown) =>
    fetch(`${h.base}/api${p}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { store, initial, h, call };
}

test('the generated first-start admin password must be changed before any other API route answers', async (t) => {
  const { store, initial, h, call } = await setUp(t);
  assert.equal(store.mustChangePassword('admin'), true);
  const admin = basic('admin', initial!);

  const me = await call('GET', '/me', admin);
  assert.equal(me.status, 200);
  assert.equal((await json(me)).mustChangePassword, true);
  for (const p of ['/lines', '/users', '/device']) {
    const res = await call('GET', p, admin);
    assert.equal(res.status, 403, p);
    const body = await json(res);
    assert.equal(body.mustChangePassword, true, p);
    assert.match(body.error, /change your password/);
  }
  const health = await fetch(`${h.base}/api/health`);
  assert.equal(health.status, 200);

  const changed = await call('PUT', '/me/password', admin, { currentPassword: initial, password: 'a new secret 1' });
  assert.equal(changed.status, 200);
  assert.equal((await json(changed)).mustChangePassword, false);
  const fresh = basic('admin', 'a new secret 1');
  assert.equal((await call('GET', '/lines', fresh)).status, 200);
  assert.equal((await json(await call('GET', '/me', fresh))).mustChangePassword, false);
  assert.equal(store.mustChangePassword('admin'), false);
});

test('a password an admin sets for someone else (new account or reset) is to be changed by its owner; the flag survives a re-open', async (t) => {
  const { store, initial, call } = await setUp(t);
  await call('PUT', '/me/password', basic('admin', initial!), { currentPassword: initial, password: 'admin secret 1' });
  const admin = basic('admin', 'admin secret 1');

  const created = await call('POST', '/users', admin, { name: 'olga', password: 'given by admin', role: 'user' });
  assert.equal(created.status, 201);
  assert.equal((await json(created)).mustChangePassword, true);
  const olga = basic('olga', 'given by admin');
  assert.equal((await call('GET', '/lines', olga)).status, 403);
  const reopened = await AuthStore.open({ dataDir: path.dirname(store.file) });
  assert.equal(reopened.mustChangePassword('olga'), true, 'kept in auth.json');

  assert.equal((await call('PUT', '/me/password', olga, { currentPassword: 'given by admin', password: 'olga chose this' })).status, 200);
  assert.equal((await call('GET', '/lines', basic('olga', 'olga chose this'))).status, 200);

  // The admin resets her password: flagged again. A role change alone leaves the flag as it was.
  assert.equal((await call('PUT', '/users/olga', admin, { password: 'reset by admin' })).status, 200);
  assert.equal(store.mustChangePassword('olga'), true);
  assert.equal((await call('GET', '/lines', basic('olga', 'reset by admin'))).status, 403);
  assert.equal((await call('PUT', '/users/olga', admin, { role: 'sms' })).status, 200);
  assert.equal(store.mustChangePassword('olga'), true);
  // The admin's own password changed through /users/:name is not flagged.
  assert.equal((await call('PUT', '/users/admin', admin, { password: 'admin secret 2', currentPassword: 'admin secret 1' })).status, 200);
  assert.equal(store.mustChangePassword('admin'), false);
  // `cellgate passwd` (setPassword) is the operator at the console: no forced change.
  await store.setPassword('olga', 'set at console');
  assert.equal(store.mustChangePassword('olga'), false);
});

test('a session login reports mustChangePassword and is held to the password change', async (t) => {
  const { initial, h } = await setUp(t);
  const res = await fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: initial }) });
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.mustChangePassword, true);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cellgate_session='))!.split(';')[0]!;
  const lines = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
  assert.equal(lines.status, 403);
  assert.equal((await json(lines)).mustChangePassword, true);
});
