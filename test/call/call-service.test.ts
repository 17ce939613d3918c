/**
 * The call service on a fake line and a real counter store: every call gets a record, written before
 * 'call-ended'; the accounting's state goes in the same transaction and is committed only once written;
 * the default router rejects an incoming call after the ring timeout and the record says missed.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Call } from '../../src/call/call.js';
import type { CallEvent, CallState } from '../../src/call/call-state.js';
import type { AccountingChange, CallAccounting, CallStep, InterruptedClose } from '../../src/call/call-accounting.js';
import { RingThenRejectRouter, type CallRouter } from '../../src/call/call-router.js';
import { CallService } from '../../src/call/call-service.js';
import type { LineCallEvent } from '../../src/events.js';
import { CounterStore } from '../../src/store/counter-store.js';
import type { StoredCall } from '../../src/store/records.js';
import { silentLogger } from '../../src/util/log.js';

/** A line as the call service sees it: it starts a Call on the first step and emits each step. */
class FakeLine extends EventEmitter {
  current: Call | null = null;
  hangups = 0;
  constructor(readonly id: number, public now = 1_700_000_000_000) {
    super();
  }
  step(ev: CallEvent, opts: { number?: string; cause?: string | null; dt?: number } = {}): Call {
    this.now += opts.dt ?? 100;
    if (!this.current) {
      this.current = new Call({
        id: `${this.id}:${this.now}`,
        direction: ev === 'incoming' ? 'in' : 'out',
        origin: ev === 'incoming' ? 'network' : 'api',
        gsm: { line: this.id, slot: 'B', iccid: '89860000000000000001', number: opts.number ?? null, cause: null },
        at: this.now,
      });
    }
    const c = this.current;
    if (ev === 'ended') c.gsm.cause = opts.cause ?? null;
    const from: CallState = c.apply(ev, this.now);
    if (ev === 'ended') this.current = null;
    if (from !== c.state) this.emit('call', { call: c, from, to: c.state, event: ev, number: c.gsm.number } satisfies LineCallEvent);
    return c;
  }
  async hangup(): Promise<void> {
    this.hangups++;
    await new Promise((r) => setImmediate(r));
    if (this.current) this.step('ended');
  }
}

/** Counts every step it is asked about, and writes a state document "acct" with the count. */
class CountingAccounting implements CallAccounting {
  asked: string[] = [];
  committed: string[] = [];
  callStep(step: CallStep): AccountingChange | null {
    if (step.call.direction !== 'out') return null;
    const n = this.committed.length + 1;
    this.asked.push(step.kind);
    return {
      updates: [{ key: 'acct', json: JSON.stringify({ n, last: step.kind }) }],
      billedSec: step.kind === 'ended' ? 60 : undefined,
      commit: () => this.committed.push(step.kind),
    };
  }
  closeInterrupted(open: StoredCall): InterruptedClose {
    return { answeredAt: open.startedAt + 1000, endedAt: open.startedAt + 31_000, durationSec: 30, billedSec: 60, change: { updates: [{ key: 'acct', json: '{"closed":true}' }], commit: () => this.committed.push('interrupted') } };
  }
}

function setUp(t: TestContext, opts: { router?: CallRouter; accounting?: CallAccounting; dir?: string; callerIdWaitMs?: number } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cg-calls-'));
  const store = CounterStore.open(dir);
  const line = new FakeLine(1);
  const calls = new CallService({ store, router: opts.router ?? new RingThenRejectRouter(() => 30), log: silentLogger(), now: () => line.now, ...(opts.callerIdWaitMs === undefined ? {} : { callerIdWaitMs: opts.callerIdWaitMs }), ...(opts.accounting ? { accounting: opts.accounting } : {}) });
  calls.attach(line);
  t.after(() => {
    calls.stop();
    store.close();
  });
  return { dir, store, line, calls };
}

/** Records each event with whether the call's record was readable at that moment. */
function watch(calls: CallService, store: CounterStore): string[] {
  const seen: string[] = [];
  calls.on('call-started', (c) => seen.push(`started ${c.direction}`));
  calls.on('call-changed', (c, from) => seen.push(`changed ${from}->${c.state}`));
  calls.on('call-ended', (c) => seen.push(`ended ${c.outcome()} recorded=${store.getCall(c.id)?.endedAt === c.times.end}`));
  return seen;
}

test('an incoming call nobody answers is rejected after the ring timeout and recorded as missed, then published', async (t) => {
  const { store, line, calls } = setUp(t, { router: { route: () => ({ action: 'reject', afterMs: 30, cause: 'no route: rejected after ringing' }) } });
  const seen = watch(calls, store);
  const ended = new Promise<Call>((r) => calls.once('call-ended', r));
  const c = line.step('incoming', { number: '+8613900000001' });
  line.step('incoming'); // RING repeats: no new step
  assert.deepEqual(calls.active(), [c]);
  const done = await ended;
  assert.equal(done, c);
  assert.equal(line.hangups, 1);
  assert.deepEqual(seen, ['started in', 'ended missed recorded=true']);
  const r = store.getCall(c.id)!;
  assert.equal(r.direction, 'in');
  assert.equal(r.number, '+8613900000001');
  assert.equal(r.origin, 'network');
  assert.equal(r.outcome, 'missed');
  assert.equal(r.cause, 'missed');
  assert.equal(r.gsmCause, null);
  assert.equal(r.gatewayCause, 'no route: rejected after ringing');
  assert.equal(r.billedS, 0);
  assert.equal(r.slot, 1);
  assert.deepEqual(calls.active(), []);
});

test('an incoming call the caller gives up on before the timeout is missed with the network\'s cause, not hung up', async (t) => {
  const { store, line, calls } = setUp(t, { router: { route: () => ({ action: 'reject', afterMs: 200, cause: 'timeout' }) } });
  const c = line.step('incoming', { number: '10086' });
  line.step('ended', { cause: 'NO CARRIER' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(line.hangups, 0, 'the ring timer was cancelled');
  const r = store.getCall(c.id)!;
  assert.deepEqual([r.outcome, r.cause, r.gsmCause, r.gatewayCause], ['missed', 'missed', 'NO CARRIER', null]);
});

test('a RING without a number is routed once the +CLIP number came, not as a withheld caller', async (t) => {
  const asked: (string | null)[] = [];
  const { line } = setUp(t, { router: { route: (c) => (asked.push(c.gsm.number), { action: 'reject', afterMs: 10_000, cause: 'x' }) } });
  const c = line.step('incoming'); // RING: the caller ID is not known yet
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(asked, [], 'not routed on the bare RING');
  c.gsm.number = '+861088886666'; // +CLIP (TS 27.007 §7.6) fills in the number of the same call
  line.emit('call-number', c); // and the line says so
  assert.deepEqual(asked, ['+861088886666'], 'routed at once, not at the next look');
  line.step('ended');
});

test('a caller whose number never comes is routed as withheld after callerIdWaitMs; a call that ends first is not routed', async (t) => {
  const asked: (string | null)[] = [];
  const { line } = setUp(t, { callerIdWaitMs: 100, router: { route: (c) => (asked.push(c.gsm.number), { action: 'reject', afterMs: 10_000, cause: 'x' }) } });
  line.step('incoming');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(asked, [null]);
  line.step('ended');
  line.step('incoming');
  line.step('ended', { cause: 'NO CARRIER' });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(asked, [null], 'the second call ended while waiting for its caller ID');
});

test('the default router lets a call ring for calls.ringTimeoutSec, read at each call', () => {
  let sec = 30;
  const router = new RingThenRejectRouter(() => sec);
  const c = new Call({ id: '1:1', direction: 'in', origin: 'network', gsm: { line: 1, slot: 'A', iccid: null, number: null, cause: null }, at: 1 });
  assert.deepEqual(router.route(c), { action: 'reject', afterMs: 30_000, cause: 'no route for incoming calls: rejected after 30 s of ringing' });
  sec = 5;
  assert.equal(router.route(c).afterMs, 5000);
});

test('an outgoing call: each step asks the accounting, writes its state with the record, commits after; the record has times and causes', (t) => {
  const accounting = new CountingAccounting();
  const { store, line, calls } = setUp(t, { accounting });
  const seen = watch(calls, store);
  const c = line.step('dial', { number: '10086' });
  assert.equal(store.getCall(c.id)?.endedAt, null, 'opened at the attempt');
  assert.equal(store.loadState('acct')?.eventId, c.id, 'state written with the opened record');
  line.step('alerting');
  line.step('answered', { dt: 1000 });
  line.step('ended', { cause: 'NO CARRIER', dt: 42_000 });
  assert.deepEqual(accounting.asked, ['started', 'changed', 'changed', 'ended']);
  assert.deepEqual(accounting.committed, ['started', 'changed', 'changed', 'ended']);
  assert.deepEqual(seen, ['started out', 'changed DIALING->ALERTING', 'changed ALERTING->CONNECTED', 'ended answered recorded=true']);
  const r = store.getCall(c.id)!;
  assert.deepEqual(
    { direction: r.direction, number: r.number, startedAt: r.startedAt, alertedAt: r.alertedAt, answeredAt: r.answeredAt, endedAt: r.endedAt, durationS: r.durationS, billedS: r.billedS, cause: r.cause, outcome: r.outcome, gsmCause: r.gsmCause },
    { direction: 'out', number: '10086', startedAt: c.times.setup, alertedAt: c.times.alerting, answeredAt: c.times.answer, endedAt: c.times.end, durationS: 42, billedS: 60, cause: 'normal', outcome: 'answered', gsmCause: 'NO CARRIER' },
  );
  assert.deepEqual(JSON.parse(store.loadState('acct')!.json), { n: 4, last: 'ended' });
  assert.equal(store.loadState('acct')!.eventId, c.id, 'the last state was written in the record\'s transaction');
});

test('outgoing causes as the SIM policy always recorded them: busy, no-answer, no-ringing, failed', (t) => {
  const { store, line } = setUp(t);
  const end = (steps: CallEvent[], cause: string | null) => {
    const c = line.step('dial', { number: '1' });
    for (const s of steps) line.step(s);
    line.step('ended', { cause });
    return store.getCall(c.id)!.cause;
  };
  assert.equal(end([], 'BUSY'), 'busy');
  assert.equal(end([], 'NO ANSWER'), 'no-answer');
  assert.equal(end(['alerting'], 'NO CARRIER'), 'no-answer');
  assert.equal(end([], 'NO CARRIER'), 'no-ringing');
  assert.equal(end([], null), 'no-ringing');
  assert.equal(end([], 'ERROR'), 'failed');
});

test('a record the store cannot write is not committed to the accounting; the call still ends and is published', (t) => {
  const accounting = new CountingAccounting();
  const { store, line, calls } = setUp(t, { accounting });
  line.step('dial', { number: '10086' });
  store.close();
  const ended: Call[] = [];
  calls.on('call-ended', (c) => ended.push(c));
  line.step('ended', { cause: 'BUSY' });
  assert.equal(ended.length, 1);
  assert.deepEqual(accounting.committed, ['started']);
  assert.deepEqual(calls.active(), []);
});

test('a refused request is published as started and ended and recorded as refused, without the line or the accounting', (t) => {
  const accounting = new CountingAccounting();
  const { store, line, calls } = setUp(t, { accounting });
  const seen = watch(calls, store);
  const a = calls.refuse({ line: 1, slot: 'A', iccid: null, number: '10086', origin: 'api:admin', reason: 'call limit reached' });
  const b = calls.refuse({ line: 1, slot: 'A', iccid: null, number: '10086', origin: 'api:admin', reason: 'call limit reached' });
  assert.notEqual(a.id, b.id, 'two refusals in the same millisecond are two records');
  assert.deepEqual(seen, ['started out', 'ended refused recorded=true', 'started out', 'ended refused recorded=true']);
  const r = store.getCall(a.id)!;
  assert.deepEqual([r.outcome, r.cause, r.gatewayCause, r.origin, r.durationS, r.billedS], ['refused', 'refused', 'refused: call limit reached', 'api:admin', 0, 0]);
  assert.deepEqual(accounting.asked, []);
  assert.equal(line.hangups, 0);
});

test('list: calls in progress, then recorded ones newest first, paged, with the total; get: live or recorded', (t) => {
  const { line, calls } = setUp(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push(line.step('dial', { number: String(i) }).id);
    line.step('ended', { cause: 'BUSY' });
  }
  const live = line.step('dial', { number: '99' });
  const p1 = calls.list({ limit: 2, offset: 0 });
  assert.deepEqual(p1.active.map((c) => [c.id, c.active, c.state]), [[live.id, true, 'DIALING']]);
  assert.deepEqual(p1.items.map((c) => c.id), [ids[4], ids[3]]);
  assert.equal(p1.total, 5);
  assert.deepEqual(calls.list({ limit: 2, offset: 4 }).items.map((c) => c.id), [ids[0]]);
  const one = calls.get(ids[2]!)!;
  assert.deepEqual([one.active, one.state, one.outcome, one.cause, one.number, one.slot, one.line], [false, null, 'busy', 'busy', '2', 'B', 1]);
  assert.equal(calls.get(live.id)?.active, true);
  assert.equal(calls.get('1:0'), undefined);
});

test('a call left open by a crash is closed at start as interrupted, with what the accounting knows, in one transaction', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-calls-'));
  const before = CounterStore.open(dir);
  before.beginCall({ id: '1:1700000000000', line: '1', slot: 0, iccid: null, direction: 'out', number: '10086', startedAt: 1_700_000_000_000, origin: 'api:admin' });
  before.beginCall({ id: '1:1700000100000', line: '1', slot: 0, iccid: null, direction: 'in', number: '10010', startedAt: 1_700_000_100_000, origin: 'network' });
  before.close();
  const accounting = new CountingAccounting();
  const { store } = setUp(t, { accounting, dir });
  assert.equal(store.openCalls().length, 0);
  const r = store.getCall('1:1700000000000')!;
  assert.deepEqual([r.cause, r.outcome, r.durationS, r.billedS, r.origin, r.gatewayCause], ['interrupted', 'answered', 30, 60, 'api:admin', 'interrupted by a restart of the gateway']);
  assert.equal(store.getCall('1:1700000100000')!.cause, 'interrupted');
  assert.deepEqual(accounting.committed, ['interrupted', 'interrupted']);
});

test('a call that waited (call waiting) is recorded but never routed: its line mode decides on it', async (t) => {
  let routed = 0;
  const { store, line, calls } = setUp(t, { router: { route: () => ((routed++), { action: 'reject', afterMs: 0, cause: 'no route' }) } });
  const waiting = new Call({ id: '1:w', direction: 'in', origin: 'network', gsm: { line: 1, slot: 'B', iccid: null, number: '+8613900000002', cause: null }, at: line.now });
  const ended = new Promise<Call>((r) => calls.once('call-ended', r));
  const emit = (ev: CallEvent) => {
    const from = waiting.apply(ev, ++line.now);
    line.emit('call', { call: waiting, from, to: waiting.state, event: ev, number: waiting.gsm.number, waiting: true } satisfies LineCallEvent);
  };
  emit('incoming');
  await new Promise((r) => setTimeout(r, 20));
  emit('answered');
  emit('ended');
  await ended;
  assert.equal(routed, 0);
  assert.equal(line.hangups, 0);
  assert.equal(store.getCall('1:w')?.outcome, 'answered');
});
