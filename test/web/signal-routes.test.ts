import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignalHistory } from '../../src/line/signal-history.js';
import { signalRoutes } from '../../src/web/signal-routes.js';
import { ADMIN_PASSWORD, FakeAuth, basic, json, startApp } from './harness.js';

test('GET /api/lines/:id/signal: admin and user read it, sms role and anonymous do not; hours validated', async () => {
  let now = Date.parse('2026-01-01T12:00:00Z');
  const history = new SignalHistory({ now: () => now });
  for (let m = 0; m < 180; m++) {
    history.sample([{ id: 1, signal: 15, signalDbm: -83, reg: '4G' }]);
    now += 60_000;
  }
  const auth = new FakeAuth();
  auth.users.set('texter', { password: 'texter-password', role: 'sms' });
  const h = await startApp({ auth, extraRoutes: () => signalRoutes({ history, lineExists: (id) => id === 1 || id === 2 }) });
  try {
    const get = (path: string, user = 'admin', pw = ADMIN_PASSWORD) => fetch(`${h.base}${path}`, { headers: { authorization: basic(user, pw) } });
    const all = await get('/api/lines/1/signal');
    assert.equal(all.status, 200);
    const body = await json(all);
    assert.equal(body.line, 1);
    assert.equal(body.stepSec, 60);
    assert.equal(body.samples.length, 180);
    assert.deepEqual(body.samples[0], { t: Date.parse('2026-01-01T12:00:00Z') / 1000, dbm: -83, bars: 3, rat: '4G' });
    const hour = await json(await get('/api/lines/1/signal?hours=1', 'viewer', 'viewer-password'));
    assert.equal(hour.samples.length, 60);
    assert.deepEqual((await json(await get('/api/lines/2/signal'))).samples, []);
    assert.equal((await get('/api/lines/3/signal')).status, 404);
    assert.equal((await get('/api/lines/x/signal')).status, 400);
    for (const bad of ['0', '25', '1.5', 'abc', '']) assert.equal((await get(`/api/lines/1/signal?hours=${bad}`)).status, 400, `hours=${bad}`);
    assert.equal((await get('/api/lines/1/signal', 'texter', 'texter-password')).status, 403);
    assert.equal((await fetch(`${h.base}/api/lines/1/signal`)).status, 401);
  } finally {
    await h.close();
  }
});
