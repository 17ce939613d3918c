import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { CounterStore } from '../../src/store/counter-store.js';
import { StoreError, dbFilePath } from '../../src/store/db.js';
import { type CallRecord, type SmsRecord, simKey, slotKey } from '../../src/store/records.js';
import { tempDir } from './temp-dir.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function call(n: number, over: Partial<CallRecord> = {}): CallRecord {
  const answered = n % 4 !== 0;
  const duration = answered ? 10 + ((n * 37) % 300) : 0;
  return {
    id: `L1:c${n}`,
    line: 'L1',
    slot: n % 2,
    iccid: n % 2 ? '8986000000000000001' : '8986000000000000000',
    direction: 'out',
    number: '+4915112345678',
    startedAt: T0 + n * 60_000,
    alertedAt: T0 + n * 60_000 + 2000,
    answeredAt: answered ? T0 + n * 60_000 + 5000 : null,
    endedAt: T0 + n * 60_000 + 5000 + duration * 1000,
    durationS: duration,
    billedS: Math.ceil(duration / 60) * 60,
    cause: answered ? 'normal' : 'no-answer',
    ...over,
  };
}

function sms(n: number, over: Partial<SmsRecord> = {}): SmsRecord {
  return { id: `L1:s${n}`, line: 'L1', slot: 0, iccid: '8986000000000000000', direction: 'out', number: '+4915112345678', at: T0 + n * 1000, parts: 1 + (n % 3), ok: n % 5 !== 0, error: n % 5 ? null : 'CMS ERROR 500', ...over };
}

function open(t: import('node:test').TestContext, now?: () => number): { store: CounterStore; dir: string } {
  const dir = tempDir(t);
  const store = CounterStore.open(dir, now ? { now } : {});
  t.after(() => store.close());
  return { store, dir };
}

test('a call is recorded once: the same id again is a duplicate and changes nothing', (t) => {
  const { store } = open(t, () => 1234);
  const key = simKey('8986000000000000001');
  const r1 = store.recordCall(call(1), [{ key, json: '{"calls":1}' }]);
  assert.equal(r1.outcome, 'recorded');
  assert.deepEqual(r1.versions, { [key]: 1 });
  // re-submitted after a crash, with the state the caller would compute again
  const r2 = store.recordCall(call(1), [{ key, json: '{"calls":2}' }]);
  assert.deepEqual(r2, { outcome: 'duplicate', seq: r1.seq, versions: {} });
  const st = store.loadState(key)!;
  assert.deepEqual(st, { key, json: '{"calls":1}', version: 1, updatedAt: 1234, eventId: 'L1:c1' });
  assert.equal(store.totals({}).calls, 1);
  const stored = store.getCall('L1:c1')!;
  assert.equal(stored.durationS, call(1).durationS);
  assert.equal(stored.recordedAt, 1234);
});

test('state versions count the events that changed them; two keys (card and slot) in one transaction', (t) => {
  const { store } = open(t);
  const kc = simKey('8986000000000000001');
  const ks = slotKey('L1', 1);
  for (const n of [1, 3, 5]) {
    const r = store.recordCall(call(n), [
      { key: kc, json: JSON.stringify({ last: n }) },
      { key: ks, json: JSON.stringify({ last: n }) },
    ]);
    assert.equal(r.outcome, 'recorded');
  }
  const states = store.loadStates();
  assert.deepEqual([...states.keys()], [kc, ks]);
  assert.equal(states.get(kc)!.version, 3);
  assert.equal(states.get(ks)!.json, '{"last":5}');
  assert.equal(states.get(ks)!.eventId, 'L1:c5');
  assert.equal(store.saveState(kc, '{"reset":true}'), 4);
  assert.equal(store.loadState(kc)!.eventId, null);
});

test('a failure inside the transaction writes neither the event nor any state', (t) => {
  const { store, dir } = open(t);
  store.saveState('a', '{"v":0}');
  // a trigger standing in for a failure between the state writes (disk full, I/O error)
  const raw = new Database(dbFilePath(dir));
  raw.exec(`CREATE TRIGGER boom BEFORE INSERT ON sim_state WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
  raw.close();
  assert.throws(
    () => store.recordCall(call(7), [{ key: 'a', json: '{"v":1}' }, { key: 'boom', json: '{}' }]),
    (e: unknown) => e instanceof StoreError && e.message.includes('injected failure') && e.message.includes(store.file),
  );
  assert.equal(store.getCall('L1:c7'), undefined);
  assert.deepEqual(store.loadState('a')!.json, '{"v":0}');
  assert.equal(store.loadState('a')!.version, 1);
  // and the store keeps working
  assert.equal(store.recordCall(call(7), [{ key: 'a', json: '{"v":1}' }]).outcome, 'recorded');
});

test('beginCall opens a call, openCalls lists it, totals ignore it, recordCall completes it once', (t) => {
  const { store } = open(t);
  const c = call(2);
  const { endedAt: _e, durationS: _d, billedS: _b, cause: _c, ...openPart } = c;
  assert.equal(store.beginCall(openPart, [{ key: 'k', json: '{"attempts":1}' }]).outcome, 'recorded');
  assert.equal(store.beginCall(openPart).outcome, 'duplicate');
  assert.deepEqual(
    store.openCalls().map((o) => [o.id, o.endedAt, o.durationS]),
    [['L1:c2', null, null]],
  );
  assert.equal(store.totals({}).calls, 0);
  assert.equal(store.queryCdrs({}).length, 0);
  assert.equal(store.queryCdrs({ includeOpen: true }).length, 1);
  const done = store.recordCall(c, [{ key: 'k', json: '{"attempts":1,"calls":1}' }]);
  assert.equal(done.outcome, 'recorded');
  assert.deepEqual(done.versions, { k: 2 });
  assert.equal(store.openCalls().length, 0);
  assert.equal(store.recordCall(c).outcome, 'duplicate');
  assert.equal(store.beginCall(openPart).outcome, 'duplicate');
  assert.deepEqual(store.totals({}), { calls: 1, connected: 1, seconds: c.durationS, billedSeconds: c.billedS, sms: 0, smsParts: 0, smsFailed: 0 });
});

test('SMS records: once per id; totals count sent, parts and failed', (t) => {
  const { store } = open(t);
  for (let n = 1; n <= 10; n++) assert.equal(store.recordSms(sms(n)).outcome, 'recorded');
  for (let n = 1; n <= 10; n++) assert.equal(store.recordSms(sms(n)).outcome, 'duplicate');
  const tot = store.totals({ iccid: '8986000000000000000' });
  const sent = [1, 2, 3, 4, 6, 7, 8, 9];
  assert.equal(tot.sms, sent.length);
  assert.equal(tot.smsParts, sent.reduce((a, n) => a + 1 + (n % 3), 0));
  assert.equal(tot.smsFailed, 2);
  const failed = store.querySms({}).filter((s) => !s.ok);
  assert.deepEqual(failed.map((s) => [s.id, s.error]), [['L1:s10', 'CMS ERROR 500'], ['L1:s5', 'CMS ERROR 500']]);
  assert.equal(store.querySms({ from: T0 + 3000, to: T0 + 6000 }).length, 3);
});

test('queryCdrs filters by card, line, slot and time, newest first, with paging', (t) => {
  const { store } = open(t);
  for (let n = 1; n <= 20; n++) store.recordCall(call(n));
  store.recordCall(call(21, { id: 'L2:c21', line: 'L2', slot: 3, iccid: null }));
  assert.deepEqual(
    store.queryCdrs({ iccid: '8986000000000000001', limit: 3 }).map((c) => c.id),
    ['L1:c19', 'L1:c17', 'L1:c15'],
  );
  assert.deepEqual(store.queryCdrs({ iccid: '8986000000000000001', limit: 3, offset: 3 }).map((c) => c.id), ['L1:c13', 'L1:c11', 'L1:c9']);
  assert.deepEqual(store.queryCdrs({ line: 'L2' }).map((c) => [c.id, c.iccid, c.slot]), [['L2:c21', null, 3]]);
  assert.equal(store.queryCdrs({ line: 'L1', slot: 0 }).length, 10);
  assert.deepEqual(store.queryCdrs({ from: T0 + 5 * 60_000, to: T0 + 8 * 60_000 }).map((c) => c.id), ['L1:c7', 'L1:c6', 'L1:c5']);
  const byCard = store.totals({ iccid: '8986000000000000000', from: T0, to: T0 + 100 * 60_000 });
  const even = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((n) => call(n));
  assert.equal(byCard.calls, 10);
  assert.equal(byCard.connected, even.filter((c) => c.answeredAt !== null).length);
  assert.equal(byCard.seconds, even.reduce((a, c) => a + c.durationS, 0));
  assert.equal(byCard.billedSeconds, even.reduce((a, c) => a + c.billedS, 0));
});

test('operator actions are audit rows, optionally idempotent, written with the states they reset', (t) => {
  const { store } = open(t);
  const k = simKey('89860');
  store.saveState(k, '{"calls":9}');
  const r = store.recordAction({ id: 'req-1', at: T0, actor: 'admin', action: 'reset-stats', target: '89860', detail: { what: ['total-cdr'] } }, [{ key: k, json: '{"calls":0}' }]);
  assert.equal(r.outcome, 'recorded');
  assert.equal(store.recordAction({ id: 'req-1', at: T0, action: 'reset-stats' }, [{ key: k, json: '{"calls":-1}' }]).outcome, 'duplicate');
  store.recordAction({ at: T0 + 1, action: 'disable', target: 'L1:2' });
  store.recordAction({ at: T0 + 2, action: 'disable', target: 'L1:2' }); // no id: never deduplicated
  assert.equal(store.loadState(k)!.json, '{"calls":0}');
  assert.equal(store.loadState(k)!.eventId, 'req-1');
  const all = store.queryActions();
  assert.deepEqual(all.map((a) => a.action), ['disable', 'disable', 'reset-stats']);
  assert.deepEqual(all[2], { seq: 1, id: 'req-1', at: T0, actor: 'admin', action: 'reset-stats', target: '89860', detail: { what: ['total-cdr'] } });
  assert.equal(store.queryActions({ target: 'L1:2' }).length, 2);
});

test('invalid records throw StoreError(invalid) with field messages and write nothing', (t) => {
  const { store } = open(t);
  const cases: Array<[() => unknown, RegExp]> = [
    [() => store.recordCall(call(1, { id: '' })), /id: must not be empty/],
    [() => store.recordCall(call(1, { endedAt: call(1).startedAt - 1 })), /endedAt: before startedAt/],
    [() => store.recordCall(call(1, { durationS: -1 })), /durationS: expected an integer >= 0, got -1/],
    [() => store.recordCall(call(4, { durationS: 5 })), /durationS: must be 0 for a call that was never answered/],
    [() => store.recordCall(call(1, { startedAt: 1.5 })), /startedAt: expected milliseconds/],
    [() => store.recordCall(call(1, { direction: 'sideways' as 'in' })), /direction: expected "out" or "in", got "sideways"/],
    [() => store.recordCall(null as unknown as CallRecord), /expected an object, got null/],
    [() => store.recordCall(call(1), [{ key: 'k', json: '{nope' }]), /stateUpdates\[0\]\.json: not valid JSON/],
    [() => store.recordCall(call(1), [{ key: 'k', json: '1' }, { key: 'k', json: '2' }]), /"k" appears twice/],
    [() => store.recordSms(sms(1, { parts: 0 })), /parts: expected an integer >= 1, got 0/],
    [() => store.recordSms(sms(1, { ok: 'yes' as unknown as boolean })), /ok: expected true or false/],
    [() => store.recordAction({ at: T0, action: 'x', detail: 1n }), /detail: not JSON-serialisable/],
    [() => store.saveState('', '{}'), /key: must not be empty/],
    [() => store.queryCdrs({ limit: 0 }), /limit: expected an integer 1..1000/],
    [() => store.totals({ from: -5 }), /from: expected an integer >= 0/],
  ];
  for (const [fn, re] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof StoreError && e.code === 'invalid' && re.test(e.message), String(re));
  }
  assert.equal(store.totals({}).calls, 0);
  assert.equal(store.totals({}).sms + store.totals({}).smsFailed, 0);
  assert.equal(store.loadStates().size, 0);
});

test('property: arbitrary input to the record methods either records or throws StoreError, never anything else', (t) => {
  const { store } = open(t);
  fc.assert(
    fc.property(fc.anything(), fc.anything(), (rec, updates) => {
      for (const fn of [
        () => store.recordCall(rec as CallRecord, updates as []),
        () => store.recordSms(rec as SmsRecord, updates as []),
        () => store.recordAction(rec as never, updates as []),
        () => store.saveStates(updates as []),
        () => store.queryCdrs(rec as never),
        () => store.querySms(rec as never),
        () => store.queryActions(rec as never),
        () => store.totals(rec as never),
      ]) {
        try {
          fn();
        } catch (e) {
          if (!(e instanceof StoreError)) throw e;
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test('property: any sequence of events with retries counts each id once, and state matches the log', (t) => {
  const { store } = open(t);
  let round = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(30), fc.boolean()), { maxLength: 60 }), (events) => {
      round++;
      // per property run: fresh ids so runs do not interfere, and an in-memory model
      const state = new Map<string, { calls: number; seconds: number; sms: number }>();
      for (const s of store.loadStates().values()) state.set(s.key, JSON.parse(s.json) as { calls: number; seconds: number; sms: number });
      const seen = new Set<string>();
      for (const [n, isCall] of events) {
        const iccid = `r${round}-${n % 3}`;
        const key = simKey(iccid);
        const cur = state.get(key) ?? { calls: 0, seconds: 0, sms: 0 };
        if (isCall) {
          const c = call(n, { id: `r${round}:c${n}`, iccid });
          const next = { ...cur, calls: cur.calls + 1, seconds: cur.seconds + c.durationS };
          const r = store.recordCall(c, [{ key, json: JSON.stringify(next) }]);
          assert.equal(r.outcome, seen.has(c.id) ? 'duplicate' : 'recorded');
          if (r.outcome === 'recorded') state.set(key, next);
          seen.add(c.id);
        } else {
          const m = sms(n, { id: `r${round}:s${n}`, iccid, ok: true });
          const next = { ...cur, sms: cur.sms + 1 };
          const r = store.recordSms(m, [{ key, json: JSON.stringify(next) }]);
          assert.equal(r.outcome, seen.has(m.id) ? 'duplicate' : 'recorded');
          if (r.outcome === 'recorded') state.set(key, next);
          seen.add(m.id);
        }
      }
      for (let k = 0; k < 3; k++) {
        const iccid = `r${round}-${k}`;
        const tot = store.totals({ iccid });
        const st = store.loadState(simKey(iccid));
        const doc = st ? (JSON.parse(st.json) as { calls: number; seconds: number; sms: number }) : { calls: 0, seconds: 0, sms: 0 };
        assert.deepEqual(doc, { calls: tot.calls, seconds: tot.seconds, sms: tot.sms });
      }
    }),
    { numRuns: 25 },
  );
});

test('states and events persist across close and reopen', (t) => {
  const dir = tempDir(t);
  const a = CounterStore.open(dir);
  a.recordCall(call(1), [{ key: 'k', json: '{"n":1}' }]);
  a.recordSms(sms(1));
  a.close();
  a.close(); // idempotent
  assert.throws(() => a.recordSms(sms(2)), (e: unknown) => e instanceof StoreError && /closed/.test(e.message));
  const b = CounterStore.open(dir);
  t.after(() => b.close());
  assert.equal(b.loadState('k')!.json, '{"n":1}');
  assert.equal(b.recordCall(call(1)).outcome, 'duplicate');
  assert.equal(b.recordSms(sms(1)).outcome, 'duplicate');
  assert.equal(b.totals({}).calls, 1);
});
