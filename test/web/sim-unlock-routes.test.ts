/** POST /api/lines/:id/unlock: shape checks, outcomes to statuses, codes never logged or echoed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimUnlockCode, SimUnlockResult } from '../../src/line/sim-unlock.js';
import { simUnlockRoutes } from '../../src/web/sim-unlock-routes.js';
import { ADMIN_PASSWORD, basic, captureLogger, json, startApp } from './harness.js';

test('unlock: 200 unlocked, 422 refused, 409 wrong state or no modem, 400 bad shapes, 404 unknown line; no code in the log', async (t) => {
  const seen: SimUnlockCode[] = [];
  let next: SimUnlockResult | null = { outcome: 'unlocked', state: 'READY' };
  const logs: string[] = [];
  const line = { unlockSim: async (c: SimUnlockCode) => (seen.push(c), next) };
  const h = await startApp({ extraRoutes: (bodyLimit) => simUnlockRoutes({ lines: { get: (id) => (id === 1 ? line : undefined) }, bodyLimit, log: captureLogger(logs) }) });
  t.after(() => h.close());
  const post = (p: string, body: unknown) =>
    fetch(`${h.base}/api${p}`, { method: 'POST', headers: { authorization: basic('admin', ADMIN_PASSWORD), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const ok = await post('/lines/1/unlock', { pin: '1234' });
  assert.equal(ok.status, 200);
  assert.deepEqual(await json(ok), { line: 1, outcome: 'unlocked', state: 'READY' });
  assert.equal((await post('/lines/1/unlock', { puk: '12345678', newPin: '9876' })).status, 200);
  assert.deepEqual(seen, [{ pin: '1234' }, { puk: '12345678', newPin: '9876' }]);

  next = { outcome: 'refused', state: 'SIM PIN' };
  const refused = await post('/lines/1/unlock', { pin: '1111' });
  assert.equal(refused.status, 422);
  const rb = await json(refused);
  assert.equal(rb.state, 'SIM PIN');
  assert.ok(!JSON.stringify(rb).includes('1111'));
  next = { outcome: 'wrong-state', state: 'READY' };
  assert.equal((await post('/lines/1/unlock', { pin: '1111' })).status, 409);
  next = null;
  assert.match((await json(await post('/lines/1/unlock', { pin: '1111' }))).error, /no modem/);

  const before = seen.length;
  for (const bad of [{}, { pin: '12' }, { pin: 1234 }, { puk: '1234567', newPin: '1234' }, { puk: '12345678' }, { pin: '1234', puk: '12345678', newPin: '1234' }, { pin: '12a4' }]) {
    assert.equal((await post('/lines/1/unlock', bad)).status, 400, JSON.stringify(bad));
  }
  assert.equal(seen.length, before, 'bad shapes reach no SIM');
  assert.equal((await post('/lines/2/unlock', { pin: '1234' })).status, 404);
  const all = logs.join('');
  assert.match(all, /SIM unlock requested/);
  for (const code of ['1234', '12345678', '9876', '1111']) assert.ok(!all.includes(`"${code}"`), `code ${code} logged`);
});
