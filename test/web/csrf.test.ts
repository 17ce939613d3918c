import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiRoute } from '../../src/web/api-routes.js';
import { checkBodyType, checkOrigin, requestOrigin, serializeOrigin, tokensMatch } from '../../src/web/csrf.js';
import { runCsrfMatrix, send, stateChanging } from './csrf-matrix.js';
import { ADMIN_PASSWORD, basic, loginSession, startApp } from './harness.js';

const OWN = 'http://gw.example:8080';
const trusted = new Set([OWN]);

test('checkOrigin: only our own origin passes; null, look-alikes and foreign referers do not', () => {
  const ok = (origin: string | undefined, referer: string | undefined) => checkOrigin({ origin, referer }, trusted).ok;
  assert.equal(ok(OWN, undefined), true);
  assert.equal(ok(undefined, `${OWN}/lines?x=1`), true, 'a Referer from one of our pages');
  assert.equal(ok(undefined, undefined), true, 'no Origin and no Referer: not a browser page (curl, scripts)');
  assert.equal(ok(OWN, 'https://evil.example/'), true, 'Origin decides when present');
  for (const origin of ['https://evil.example', 'null', '', 'http://gw.example', 'https://gw.example:8080', 'http://gw.example:8081', `${OWN}.evil.example`, `${OWN}/`, `${OWN}, https://evil.example`, 'file://', 'http://user@gw.example:8080']) {
    assert.equal(ok(origin, `${OWN}/`), false, `Origin ${JSON.stringify(origin)}`);
  }
  for (const referer of ['https://evil.example/', `${OWN}.evil.example/`, 'not a url', 'about:blank']) {
    assert.equal(ok(undefined, referer), false, `Referer ${JSON.stringify(referer)}`);
  }
  const v = checkOrigin({ origin: 'https://evil.example', referer: undefined }, trusted);
  assert.deepEqual(v, { ok: false, status: 403, reason: 'cross-site request refused: Origin "https://evil.example" is not this gateway\'s' });
});

test('serializeOrigin and requestOrigin follow RFC 6454 (default port left out, lower case)', () => {
  assert.equal(serializeOrigin('HTTP://GW.Example:80/x'), 'http://gw.example');
  assert.equal(serializeOrigin('https://gw.example:443'), 'https://gw.example');
  assert.equal(serializeOrigin('http://[::1]:8080/'), 'http://[::1]:8080');
  assert.equal(serializeOrigin('null'), null);
  assert.equal(serializeOrigin('ftp://gw.example'), null);
  assert.equal(requestOrigin('http', 'gw.example:80'), 'http://gw.example');
  assert.equal(requestOrigin('https', '[::1]:8443'), 'https://[::1]:8443');
  assert.equal(requestOrigin('http', ''), null, 'no Host: no own origin, every Origin is foreign');
  assert.equal(requestOrigin('http', 'evil.example/x@gw.example'), null);
});

test('checkBodyType: a body must be JSON; a request without a body needs no type', () => {
  const ok = (contentType: string | undefined, contentLength: string | undefined, transferEncoding?: string) =>
    checkBodyType({ contentType, contentLength, transferEncoding }).ok;
  assert.equal(ok('application/json', '2'), true);
  assert.equal(ok('Application/JSON; charset=utf-8', '2'), true);
  assert.equal(ok('application/vnd.cellgate+json', '2'), true);
  assert.equal(ok(undefined, undefined), true, 'no body at all');
  assert.equal(ok(undefined, '0'), true, 'an empty body');
  assert.equal(ok(undefined, '3'), false, 'a body without a type');
  assert.equal(ok(undefined, undefined, 'chunked'), false, 'a chunked body without a type');
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'text/plain; charset=utf-8', 'application/jsonx', 'text/json']) {
    assert.equal(ok(type, '3'), false, type);
    assert.equal(ok(type, '0'), false, `${type}, even empty: forms declare their type`);
  }
  const v = checkBodyType({ contentType: 'text/plain', contentLength: '3', transferEncoding: undefined });
  assert.deepEqual(v, { ok: false, status: 415, reason: 'expected Content-Type: application/json, got "text/plain" (state-changing requests take JSON bodies only)' });
});

test('tokensMatch: equal tokens only', () => {
  const t = 'k'.repeat(43);
  assert.equal(tokensMatch(t, t), true);
  assert.equal(tokensMatch(undefined, t), false);
  assert.equal(tokensMatch('', t), false);
  assert.equal(tokensMatch(`${t}x`, t), false);
  assert.equal(tokensMatch('K'.repeat(43), t), false);
});

/** State-changing routes for the app-level matrix; they count how often they ran. */
function countingRoutes(calls: string[]): ApiRoute[] {
  return (['POST', 'PUT', 'DELETE'] as const).map((method) => ({
    method,
    path: '/things/:id',
    access: ['admin'] as const,
    handler: (ctx) => {
      calls.push(method);
      ctx.body = { ok: true };
    },
  }));
}

test('CSRF matrix over every state-changing route of the web app; refused requests never reach the handler', async () => {
  const calls: string[] = [];
  const h = await startApp({ extraRoutes: () => countingRoutes(calls) });
  try {
    const covered = await runCsrfMatrix({ port: h.port, routes: h.routes, basic: basic('admin', ADMIN_PASSWORD), login: () => loginSession(h.base) });
    assert.deepEqual(covered, ['POST /api/login', 'POST /api/logout', 'POST /api/things/:id', 'PUT /api/things/:id', 'DELETE /api/things/:id']);
    assert.deepEqual(stateChanging(h.routes).length, covered.length);
    // Five requests per route are genuine (see runCsrfMatrix); every other one was stopped in front of it.
    assert.deepEqual(calls.sort(), ['DELETE', 'DELETE', 'DELETE', 'DELETE', 'DELETE', 'POST', 'POST', 'POST', 'POST', 'POST', 'PUT', 'PUT', 'PUT', 'PUT', 'PUT']);
    assert.match(h.logs.join(''), /"msg":"cross-site request refused"/);
  } finally {
    await h.close();
  }
});

test('login from another site is refused before any password check (login CSRF)', async () => {
  const h = await startApp();
  try {
    const body = JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD });
    const forged = await send(h.port, 'POST', '/api/login', { origin: 'https://evil.example', 'content-type': 'application/json' }, body);
    assert.equal(forged.status, 403);
    const form = await send(h.port, 'POST', '/api/login', { origin: h.base, 'content-type': 'text/plain' }, body);
    assert.equal(form.status, 415);
    assert.equal(h.auth.verifyCalls, 0);
    const ok = await send(h.port, 'POST', '/api/login', { origin: h.base, 'content-type': 'application/json' }, body);
    assert.equal(ok.status, 200);
  } finally {
    await h.close();
  }
});

test('reading with a session cookie needs no CSRF token; a session cookie with Basic still needs it for changes', async () => {
  const calls: string[] = [];
  const h = await startApp({ extraRoutes: () => countingRoutes(calls) });
  try {
    const { cookie, csrfToken } = await loginSession(h.base);
    const read = await send(h.port, 'GET', '/api/lines', { cookie, origin: 'https://evil.example' });
    assert.equal(read.status, 200, 'safe methods are not checked');
    const both = await send(h.port, 'POST', '/api/things/1', { cookie, authorization: basic('admin', ADMIN_PASSWORD) });
    assert.equal(both.status, 403);
    assert.match(both.error ?? '', /^missing or wrong X-CSRF-Token/);
    const wrongSession = await loginSession(h.base);
    const mixed = await send(h.port, 'POST', '/api/things/1', { cookie, 'x-csrf-token': wrongSession.csrfToken });
    assert.equal(mixed.status, 403, "another session's token does not fit");
    const right = await send(h.port, 'POST', '/api/things/1', { cookie, 'x-csrf-token': csrfToken });
    assert.equal(right.status, 200);
    assert.deepEqual(calls, ['POST']);
  } finally {
    await h.close();
  }
});

test('own origin behind a proxy: X-Forwarded-Proto/-Host count only with trustProxy; http.allowedOrigins adds origins', async () => {
  const routes = () => countingRoutes([]);
  const auth = { authorization: basic('admin', ADMIN_PASSWORD), 'content-type': 'application/json' };
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.example' };
  const direct = await startApp({ extraRoutes: routes });
  try {
    assert.equal((await send(direct.port, 'POST', '/api/things/1', { ...auth, ...forwarded, origin: 'https://gw.example' }, '{}')).status, 403, 'forwarded headers are not trusted by default');
    assert.equal((await send(direct.port, 'POST', '/api/things/1', { ...auth, ...forwarded, origin: direct.base }, '{}')).status, 200);
  } finally {
    await direct.close();
  }
  const proxied = await startApp({ extraRoutes: routes, trustProxy: true });
  try {
    assert.equal((await send(proxied.port, 'POST', '/api/things/1', { ...auth, ...forwarded, origin: 'https://gw.example' }, '{}')).status, 200);
    assert.equal((await send(proxied.port, 'POST', '/api/things/1', { ...auth, ...forwarded, origin: proxied.base }, '{}')).status, 403, 'the proxy says the gateway is https://gw.example');
  } finally {
    await proxied.close();
  }
  const listed = await startApp({ extraRoutes: routes, allowedOrigins: () => ['https://gw.example'] });
  try {
    assert.equal((await send(listed.port, 'POST', '/api/things/1', { ...auth, origin: 'https://gw.example' }, '{}')).status, 200);
    assert.equal((await send(listed.port, 'POST', '/api/things/1', { ...auth, origin: listed.base }, '{}')).status, 200, 'its own origin still counts');
    assert.equal((await send(listed.port, 'POST', '/api/things/1', { ...auth, origin: 'https://evil.example' }, '{}')).status, 403);
  } finally {
    await listed.close();
  }
});
