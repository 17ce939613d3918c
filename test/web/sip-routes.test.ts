/**
 * The SIP routes through the web app: who may call each one (admin only: the manual's user level may
 * neither see nor change the VoIP settings), their answers, and the VOIP column of a line status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sipRoutes, withVoip, type SipRouteDeps } from '../../src/web/sip-routes.js';
import { ADMIN_PASSWORD, basic, json, lineStatus, startApp } from './harness.js';

const deps: Omit<SipRouteDeps, 'bodyLimit'> = {
  registrations: () => ({
    mode: 'per-line',
    problems: [],
    accounts: [{ id: 'line-1', lines: [1], state: 'registered', aor: 'sip:8001@pbx.example.com', registrar: 'pbx.example.com', usingBackup: false, expiresSeconds: 3600, expiresAt: '2026-01-01T01:00:00.000Z', nextAttemptAt: null, lastError: null }],
  }),
  extensions: () => ({ enabled: true, realm: 'cellgate', problems: [], managed: [{ user: '8001', number: '001', prefix: '8', group: 'home', maxContacts: 5, lines: 'all', contacts: [] }], unmanaged: [] }),
  lineCount: () => 2,
};

async function setUp() {
  const h = await startApp({ extraRoutes: (bodyLimit) => sipRoutes({ ...deps, bodyLimit }) });
  h.auth.users.set('texter', { password: 'texter-password', role: 'sms' });
  const as = { admin: basic('admin', ADMIN_PASSWORD), viewer: basic('viewer', 'viewer-password'), texter: basic('texter', 'texter-password') };
  const call = async (method: string, path: string, who: keyof typeof as, body?: unknown) => {
    const r = await fetch(`${h.base}/api${path}`, { method, headers: { authorization: as[who], ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: r.status, body: await json(r) };
  };
  return { h, call };
}

test('role access of every SIP route: admin only (the manual keeps VoIP settings from the user level), nothing for sms; 401 without credentials', async (t) => {
  const { h, call } = await setUp();
  t.after(() => h.close());
  const fill = { account: { authId: '8001', registrar: 'pbx.example.com' } };
  const expected: [string, string, unknown, Record<'admin' | 'viewer' | 'texter', number>][] = [
    ['GET', '/sip/registrations', undefined, { admin: 200, viewer: 403, texter: 403 }],
    ['GET', '/sip/extensions', undefined, { admin: 200, viewer: 403, texter: 403 }],
    ['POST', '/sip/registration/auto-fill', fill, { admin: 200, viewer: 403, texter: 403 }],
  ];
  const sipMounted = h.routes.filter((r) => r.path.startsWith('/api/sip')).map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(sipMounted, expected.map(([m, p]) => `${m} /api${p}`).sort(), 'every SIP route is in this table');
  for (const [method, path, body, statuses] of expected) {
    for (const who of ['admin', 'viewer', 'texter'] as const) {
      const r = await call(method, path, who, body);
      assert.equal(r.status, statuses[who], `${method} ${path} as ${who}: ${JSON.stringify(r.body)}`);
    }
    const anonymous = await fetch(`${h.base}/api${path}`, { method });
    assert.equal(anonymous.status, 401, `${method} ${path} without credentials`);
    await anonymous.text();
  }
});

test('answers: registrations and extensions as the service gives them; auto-fill fills the device\'s lines or says what is wrong', async (t) => {
  const { h, call } = await setUp();
  t.after(() => h.close());
  assert.deepEqual((await call('GET', '/sip/registrations', 'admin')).body, deps.registrations());
  assert.deepEqual((await call('GET', '/sip/extensions', 'admin')).body, deps.extensions());
  const filled = await call('POST', '/sip/registration/auto-fill', 'admin', { account: { authId: 'gw-01', password: 'pa55-secret', registrar: 'pbx.example.com' } });
  assert.equal(filled.status, 200);
  assert.deepEqual(filled.body.lines.map((l: { line: number; authId: string }) => [l.line, l.authId]), [
    [1, 'gw-01'],
    [2, 'gw-02'],
  ]);
  const bad = await call('POST', '/sip/registration/auto-fill', 'admin', { account: { authId: 'gateway', registrar: 'pbx.example.com' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /auth ID "gateway" has no number to count up/);
});

test('the VOIP column: a line with an account shows it and its state, others null', () => {
  const voipOf = (line: number) => (line === 1 ? { account: 'line-1', state: 'registered' as const } : null);
  assert.deepEqual(withVoip(lineStatus(1), voipOf).voip, { account: 'line-1', state: 'registered' });
  assert.equal(withVoip(lineStatus(2), voipOf).voip, null);
  assert.equal(withVoip(lineStatus(1), undefined).voip, null, 'no SIP part: null');
});
