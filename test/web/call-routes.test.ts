/**
 * GET /api/calls (calls in progress and a page of recorded ones), GET /api/calls/:id, who may read
 * them, and the call test's answers (placed, refused by the policy, bad input) through the web app.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Call } from '../../src/call/call.js';
import type { CallEvent } from '../../src/call/call-state.js';
import { RingThenRejectRouter } from '../../src/call/call-router.js';
import { CallService } from '../../src/call/call-service.js';
import type { Line } from '../../src/line/line.js';
import { CounterStore } from '../../src/store/counter-store.js';
import { silentLogger } from '../../src/util/log.js';
import { callRoutes } from '../../src/web/call-routes.js';
import { ADMIN_PASSWORD, basic, json, lineStatus, startApp } from './harness.js';

/** A line whose calls are driven by the test; dial() answers at once, hangup() ends the call. */
class FakeLine extends EventEmitter {
  current: Call | null = null;
  dialled: string[] = [];
  t = Date.parse('2026-01-01T10:00:00Z');
  constructor(readonly id: number) {
    super();
  }
  status() {
    return lineStatus(this.id, { slot: 'C' });
  }
  step(ev: CallEvent, number: string | null = null): Call {
    if (!this.current) this.t += 1000;
    this.current ??= new Call({ id: `${this.id}:${this.t}`, direction: ev === 'incoming' ? 'in' : 'out', origin: 'api', gsm: { line: this.id, slot: 'C', iccid: null, number, cause: null }, at: this.t });
    const c = this.current;
    const from = c.apply(ev, this.t);
    if (ev === 'ended') this.current = null;
    this.emit('call', { call: c, from, to: c.state, event: ev, number: c.gsm.number });
    return c;
  }
  async dial(number: string): Promise<void> {
    this.dialled.push(number);
    this.step('dial', number);
    await new Promise((r) => setImmediate(r));
    setImmediate(() => this.step('answered'));
  }
  async hangup(): Promise<void> {
    if (this.current) this.step('ended');
  }
}

async function setUp(t: TestContext, mayCall: { ok: true } | { ok: false; reason: string } = { ok: true }) {
  const store = CounterStore.open(mkdtempSync(join(tmpdir(), 'cg-call-routes-')));
  const line = new FakeLine(1);
  const calls = new CallService({ store, router: new RingThenRejectRouter(() => 30), log: silentLogger(), now: () => line.t });
  calls.attach(line);
  const lines = { get: (id: number) => (id === 1 ? line : undefined), all: () => [line as unknown as Line] };
  const policy = { mayCall: () => mayCall, pickLine: () => 1 };
  const h = await startApp({ extraRoutes: (bodyLimit) => callRoutes({ calls, lines, policy, lineSelection: () => 'round-robin', bodyLimit }) });
  h.auth.users.set('texter', { password: 'texter-password', role: 'sms' });
  t.after(async () => {
    await h.close();
    calls.stop();
    store.close();
  });
  const as = (user = 'admin', password = ADMIN_PASSWORD) => ({ authorization: basic(user, password) });
  const get = async (path: string, headers = as()) => {
    const r = await fetch(`${h.base}/api${path}`, { headers });
    return { status: r.status, body: await json(r) };
  };
  const post = async (path: string, body: unknown, headers = as()) => {
    const r = await fetch(`${h.base}/api${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: await json(r) };
  };
  return { store, line, calls, h, as, get, post };
}

test('GET /api/calls: calls in progress, then recorded ones newest first, paged by limit and offset, with the total', async (t) => {
  const { line, get } = await setUp(t);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    ids.push(line.step('dial', `1000${i}`).id);
    line.step('ended');
  }
  const live = line.step('incoming', '+8613900000000');
  const p1 = await get('/calls?limit=3');
  assert.equal(p1.status, 200);
  assert.equal(p1.body.total, 7);
  assert.deepEqual(p1.body.items.map((c: any) => c.id), [ids[6], ids[5], ids[4]]);
  assert.deepEqual(p1.body.active.map((c: any) => [c.id, c.active, c.state, c.direction, c.number]), [[live.id, true, 'INCOMING', 'in', '+8613900000000']]);
  const p3 = await get('/calls?limit=3&offset=6');
  assert.deepEqual(p3.body.items.map((c: any) => c.id), [ids[0]]);
  assert.deepEqual((await get('/calls?offset=100')).body.items, []);
  const rec = p1.body.items[0];
  assert.deepEqual(
    Object.keys(rec).sort(),
    ['active', 'alertingAt', 'answerAt', 'billedSec', 'cause', 'causes', 'direction', 'durationSec', 'endAt', 'iccid', 'id', 'line', 'number', 'origin', 'outcome', 'setupAt', 'slot', 'state'],
  );
  assert.deepEqual([rec.outcome, rec.cause, rec.slot, rec.line, rec.setupAt], ['failed', 'no-ringing', 'C', 1, new Date(Number(ids[6]!.split(':')[1])).toISOString()]);
  for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'offset=-1', 'limit=1.5']) {
    const r = await get(`/calls?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.match(r.body.error, /expected an integer from/);
  }
});

test('GET /api/calls/:id: a call in progress or recorded (id as is or encoded); 404 for an unknown id', async (t) => {
  const { line, get } = await setUp(t);
  const done = line.step('dial', '10086');
  line.step('alerting');
  line.step('ended');
  const live = line.step('dial', '10010');
  const a = await get(`/calls/${done.id}`);
  assert.equal(a.status, 200);
  assert.deepEqual([a.body.id, a.body.active, a.body.outcome, a.body.cause, a.body.number], [done.id, false, 'no-answer', 'no-answer', '10086']);
  assert.equal((await get(`/calls/${encodeURIComponent(done.id)}`)).body.id, done.id);
  const b = await get(`/calls/${encodeURIComponent(live.id)}`);
  assert.deepEqual([b.status, b.body.active, b.body.state, b.body.outcome, b.body.endAt], [200, true, 'DIALING', null, null]);
  const none = await get('/calls/1:12345');
  assert.equal(none.status, 404);
  assert.equal(none.body.error, 'no call 1:12345');
});

test('who may read calls: admin and user (read-only) yes, an SMS-only account no, anonymous no', async (t) => {
  const { line, get, post, as } = await setUp(t);
  const c = line.step('dial', '10086');
  line.step('ended');
  assert.equal((await get('/calls', as('viewer', 'viewer-password'))).status, 200);
  assert.equal((await get(`/calls/${c.id}`, as('viewer', 'viewer-password'))).status, 200);
  assert.equal((await get('/calls', as('texter', 'texter-password'))).status, 403);
  assert.equal((await get(`/calls/${c.id}`, as('texter', 'texter-password'))).status, 403);
  assert.equal((await get('/calls', {} as ReturnType<typeof as>)).status, 401);
  // the call test is a line action: operators (admin, user) only
  assert.equal((await post('/test-call', { number: '10086', seconds: 0 }, as('texter', 'texter-password'))).status, 403);
});

test('POST /api/lines/:id/test-call: places the call, holds it, answers the outcome; the call is recorded with the caller as origin', async (t) => {
  const { line, post, get } = await setUp(t);
  const r = await post('/lines/1/test-call', { number: '10086', seconds: 0 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual({ ...r.body, elapsedMs: 0 }, { line: 1, slot: 'C', number: '10086', answered: true, durationSec: 0, endReason: null, elapsedMs: 0 });
  assert.deepEqual(line.dialled, ['10086']);
  const list = await get('/calls');
  assert.equal(list.body.total, 1);
  assert.equal(list.body.items[0].outcome, 'answered');
  const any = await post('/test-call', { number: '10010', seconds: 0 });
  assert.equal(any.status, 200);
  assert.equal(any.body.line, 1);
});

test('a test call the policy refuses: 409 as before, no dial, and a refused record', async (t) => {
  const { line, calls, post, get } = await setUp(t, { ok: false, reason: 'call count limit reached' });
  const events: string[] = [];
  calls.on('call-started', () => events.push('started'));
  calls.on('call-ended', (c) => events.push(`ended ${c.outcome()}`));
  const r = await post('/lines/1/test-call', { number: '10086', seconds: 5 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error, 'line 1 may not call: call count limit reached');
  assert.deepEqual(line.dialled, []);
  assert.deepEqual(events, ['started', 'ended refused']);
  const rec = (await get('/calls')).body.items[0];
  assert.deepEqual([rec.outcome, rec.cause, rec.origin, rec.number, rec.causes.gateway], ['refused', 'refused', 'api:admin', '10086', 'refused: call count limit reached']);
});

test('test-call input errors are unchanged: 400 for a bad number or seconds, 400/404 for a bad line', async (t) => {
  const { post, line } = await setUp(t);
  assert.match((await post('/lines/1/test-call', { number: 'abc' })).body.error, /^number: expected a dial string/);
  assert.equal((await post('/lines/1/test-call', { number: '123', seconds: 9999 })).body.error, 'seconds: expected an integer from 0 to 600');
  assert.equal((await post('/lines/x/test-call', { number: '123' })).status, 400);
  assert.equal((await post('/lines/9/test-call', { number: '123' })).status, 404);
  assert.deepEqual(line.dialled, []);
});
