import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore } from '../../src/web/sessions.js';
import { ADMIN_PASSWORD, basic, json, login, startApp } from './harness.js';

test('no credentials: 401 with WWW-Authenticate Basic and a JSON error', async () => {
  const h = await startApp();
  try {
    for (const path of ['/api/lines', '/api/lines/1', '/api/device', '/api/me']) {
      const res = await fetch(h.base + path);
      assert.equal(res.status, 401, path);
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="cellgate"');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json; charset=utf-8/);
      assert.deepEqual(await json(res), { error: 'authentication required' });
    }
  } finally {
    await h.close();
  }
});

test('an EventSource (Accept: text/event-stream, no headers of its own) gets 401 without the password prompt header', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/events`, { headers: { accept: 'text/event-stream' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), null);
    await res.text();
  } finally {
    await h.close();
  }
});

test('a script sending X-Requested-With gets 401 without the browser password prompt header', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/lines`, { headers: { 'x-requested-with': 'cellgate-ui' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), null);
    await res.text();
  } finally {
    await h.close();
  }
});

test('health needs no credentials and tells nothing else', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { ok: true });
  } finally {
    await h.close();
  }
});

test('HTTP Basic: good credentials pass, bad ones get 401', async () => {
  const h = await startApp();
  try {
    const good = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', ADMIN_PASSWORD) } });
    assert.equal(good.status, 200);
    assert.equal((await json(good)).lines.length, 2);

    for (const header of [basic('admin', 'wrong'), basic('nobody', ADMIN_PASSWORD), 'Basic !!!notbase64', 'Basic ' + Buffer.from('no-colon').toString('base64')]) {
      const bad = await fetch(`${h.base}/api/lines`, { headers: { authorization: header } });
      assert.equal(bad.status, 401, header);
      assert.equal(bad.headers.get('www-authenticate'), 'Basic realm="cellgate"');
      assert.deepEqual(await json(bad), { error: 'invalid user or password' });
    }
    const bearer = await fetch(`${h.base}/api/lines`, { headers: { authorization: 'Bearer abc' } });
    assert.equal(bearer.status, 401);
    await bearer.text();
  } finally {
    await h.close();
  }
});

test('HTTP Basic: a verified header is cached for the TTL, then checked again', async () => {
  const h = await startApp({ credentialTtlMs: 60_000 });
  try {
    const headers = { authorization: basic('admin', ADMIN_PASSWORD) };
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${h.base}/api/device`, { headers });
      assert.equal(res.status, 200);
      await res.text();
      h.clock.advance(5_000);
    }
    assert.equal(h.auth.verifyCalls, 1, 'polling every 5 s re-uses the verified credentials');
    h.clock.advance(60_000);
    const res = await fetch(`${h.base}/api/device`, { headers });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(h.auth.verifyCalls, 2, 'checked again after the TTL');

    // A wrong password is never cached as good, and a removed user loses access at once.
    h.auth.users.delete('admin');
    const gone = await fetch(`${h.base}/api/device`, { headers });
    assert.equal(gone.status, 401);
    await gone.text();
  } finally {
    await h.close();
  }
});

test('login sets an HttpOnly SameSite=Strict session cookie that grants access and a readable CSRF cookie; logout ends both', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(Object.keys(body), ['user', 'role', 'csrfToken', 'mustChangePassword']);
    assert.equal(body.user, 'admin');
    assert.equal(body.role, 'admin');
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    const [setSession, setCsrf, ...more] = res.headers.getSetCookie();
    assert.deepEqual(more, []);
    assert.match(setSession ?? '', /^cellgate_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.equal(setCsrf, `cellgate_csrf=${body.csrfToken}; Path=/; SameSite=Strict`, 'readable by the page: no HttpOnly');
    assert.deepEqual(h.logins, ['admin']);
    const cookie = setSession!.split(';')[0]!;

    const lines = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
    assert.equal(lines.status, 200);
    assert.equal((await json(lines)).lines.length, 2);

    const me = await fetch(`${h.base}/api/me`, { headers: { cookie: `other=1; ${cookie}` } });
    assert.deepEqual(await json(me), { user: 'admin', role: 'admin', via: 'session', mustChangePassword: false });

    const out = await fetch(`${h.base}/api/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    assert.equal(out.status, 200);
    assert.deepEqual(await json(out), { ok: true });
    const cleared = out.headers.getSetCookie();
    assert.match(cleared[0] ?? '', /^cellgate_session=; .*HttpOnly.*Max-Age=0/);
    assert.match(cleared[1] ?? '', /^cellgate_csrf=; .*Max-Age=0/);

    const after = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
    assert.equal(after.status, 401);
    await after.text();
    // Logging out twice is harmless; the ended session needs no token.
    const again = await fetch(`${h.base}/api/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(again.status, 200);
    await again.text();
  } finally {
    await h.close();
  }
});

test('login with wrong credentials: 401, no cookie, logged without the password', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin', password: 'hunter2-secret' }),
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.deepEqual(await json(res), { error: 'invalid user or password' });
    const all = h.logs.join('');
    assert.match(all, /login failed/);
    assert.ok(!all.includes('hunter2-secret'), 'the password is not logged');
    assert.deepEqual(h.logins, []);
  } finally {
    await h.close();
  }
});

test('a successful login is logged without the password', async () => {
  const h = await startApp();
  try {
    await login(h.base);
    const all = h.logs.join('');
    assert.match(all, /"msg":"login"/);
    assert.ok(!all.includes(ADMIN_PASSWORD));
  } finally {
    await h.close();
  }
});

test('login body must be {user, password} strings', async () => {
  const h = await startApp();
  try {
    for (const body of ['[]', '"admin"', '{"user":"admin"}', '{"user":1,"password":"x"}', 'null']) {
      const res = await fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400, body);
      assert.match((await json(res)).error, /expected \{"user": string, "password": string\}/);
    }
  } finally {
    await h.close();
  }
});

test('session cookie gets Secure when the request came over TLS (here via a trusted proxy)', async () => {
  const h = await startApp({ trustProxy: true });
  try {
    const res = await fetch(`${h.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('set-cookie') ?? '', /; Secure$/);
    await res.text();
  } finally {
    await h.close();
  }
});

test('sessions expire after the idle time; use keeps them alive', async () => {
  const h = await startApp({ sessionTtlMs: 60 * 60 * 1000 });
  try {
    const cookie = await login(h.base);
    h.clock.advance(59 * 60 * 1000);
    const still = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
    assert.equal(still.status, 200, 'used within the idle time');
    await still.text();
    h.clock.advance(59 * 60 * 1000);
    const renewed = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
    assert.equal(renewed.status, 200, 'idle time counts from the last use');
    await renewed.text();
    h.clock.advance(60 * 60 * 1000 + 1);
    const expired = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
    assert.equal(expired.status, 401);
    assert.deepEqual(await json(expired), { error: 'authentication required' });
  } finally {
    await h.close();
  }
});

test('default session idle time is 12 hours', async () => {
  const h = await startApp();
  try {
    const cookie = await login(h.base);
    h.clock.advance(12 * 60 * 60 * 1000);
    const ok = await fetch(`${h.base}/api/device`, { headers: { cookie } });
    assert.equal(ok.status, 200);
    await ok.text();
    h.clock.advance(12 * 60 * 60 * 1000 + 1);
    const expired = await fetch(`${h.base}/api/device`, { headers: { cookie } });
    assert.equal(expired.status, 401);
    await expired.text();
  } finally {
    await h.close();
  }
});

test('a forged or unknown session cookie is refused', async () => {
  const h = await startApp();
  try {
    for (const cookie of ['cellgate_session=' + 'A'.repeat(43), 'cellgate_session=', 'cellgate_session=../../etc']) {
      const res = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
      assert.equal(res.status, 401, cookie);
      await res.text();
    }
  } finally {
    await h.close();
  }
});

test('sessions of a user can be ended through the injected store', async () => {
  const sessions = new SessionStore();
  const h = await startApp({ sessions });
  try {
    const cookie = await login(h.base);
    assert.equal(sessions.endUser('admin'), 1);
    const res = await fetch(`${h.base}/api/lines`, { headers: { cookie } });
    assert.equal(res.status, 401);
    await res.text();
  } finally {
    await h.close();
  }
});

test('failed logins are rate-limited per address: 429 with Retry-After, then allowed again', async () => {
  const h = await startApp();
  const attempt = (password: string) =>
    fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password }) });
  try {
    for (let i = 0; i < 5; i++) {
      const res = await attempt(`guess-${i}`);
      assert.equal(res.status, 401);
      await res.text();
    }
    const calls = h.auth.verifyCalls;
    const limited = await attempt(ADMIN_PASSWORD);
    assert.equal(limited.status, 429, 'even the right password is refused while limited');
    assert.equal(limited.headers.get('retry-after'), '60');
    assert.match((await json(limited)).error, /too many failed attempts/);
    assert.equal(h.auth.verifyCalls, calls, 'no password check while limited');
    assert.match(h.logs.join(''), /login refused: too many failed attempts/);

    // Basic auth from the same address is limited too.
    const viaBasic = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', 'guess') } });
    assert.equal(viaBasic.status, 429);
    await viaBasic.text();

    h.clock.advance(30_000);
    const stillLimited = await attempt(ADMIN_PASSWORD);
    assert.equal(stillLimited.status, 429);
    assert.equal(stillLimited.headers.get('retry-after'), '30');
    await stillLimited.text();

    h.clock.advance(30_000);
    const ok = await attempt(ADMIN_PASSWORD);
    assert.equal(ok.status, 200);
    await ok.text();
  } finally {
    await h.close();
  }
});

test('parallel guesses cannot slip past the limit while passwords are checked', async () => {
  const h = await startApp();
  try {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: `p${i}` }) }).then(async (r) => {
          await r.text();
          return r.status;
        }),
      ),
    );
    assert.equal(results.filter((s) => s === 401).length, 5);
    assert.equal(results.filter((s) => s === 429).length, 7);
    assert.equal(h.auth.verifyCalls, 5);
  } finally {
    await h.close();
  }
});

test('failed Basic attempts count toward the limit', async () => {
  const h = await startApp({ loginLimit: { max: 3, windowMs: 10_000 } });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', `g${i}`) } });
      assert.equal(res.status, 401);
      await res.text();
    }
    const res = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', ADMIN_PASSWORD) } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '10');
    await res.text();
  } finally {
    await h.close();
  }
});

test('routes declare their roles: an sms-role account is authenticated but gets 403 on the line status', async () => {
  const h = await startApp();
  h.auth.users.set('texter', { password: 'texter-password', role: 'sms' });
  try {
    const res = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('texter', 'texter-password') } });
    assert.equal(res.status, 403);
    assert.deepEqual(await json(res), { error: 'forbidden: this needs role admin or user' });
    const me = await fetch(`${h.base}/api/me`, { headers: { authorization: basic('viewer', 'viewer-password') } });
    assert.deepEqual(await json(me), { user: 'viewer', role: 'user', via: 'basic', mustChangePassword: false });
  } finally {
    await h.close();
  }
});
