import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CANCEL_ECHO_MS, UssdSession, UssdStateError, outcomeOfM } from '../../src/ussd/ussd-session.js';

test('TS 27.007 §7.15 <m> 0..5 each end a request as the spec says', () => {
  const want: [number, string][] = [
    [0, 'done'],
    [1, 'menu'],
    [2, 'terminated'],
    [3, 'terminated'],
    [4, 'error'],
    [5, 'timeout'],
    [9, 'error'],
  ];
  for (const [m, state] of want) {
    const s = new UssdSession();
    const seq = s.begin('*100#', 'code', 0);
    const got = s.received({ m, text: `text ${m}`, dcs: 15 }, 10);
    assert.equal(got.kind, 'answer', `m=${m}`);
    assert.ok(got.kind === 'answer');
    assert.equal(got.seq, seq);
    assert.equal(got.result.state, state, `m=${m}`);
    assert.equal(got.result.m, m);
    assert.equal(got.result.text, `text ${m}`);
    assert.equal(s.state, m === 1 ? 'menu' : 'idle', `m=${m}`);
    assert.equal(outcomeOfM(m).state, state);
    if (m > 1) assert.match(got.result.reason ?? '', new RegExp(`<m>=${m}`));
  }
});

test('a two-step menu: code → menu, answer → done; the dialogue is opened by the user', () => {
  const s = new UssdSession();
  s.begin('*123#', 'code', 0);
  assert.equal(s.snapshot().openedBy, 'user');
  const menu = s.received({ m: 1, text: '1. Balance\n2. Data', dcs: 15 }, 5);
  assert.ok(menu.kind === 'answer' && menu.result.state === 'menu');
  assert.equal(s.state, 'menu');
  assert.equal(s.snapshot().request, null);
  const seq = s.begin('1', 'answer', 6);
  assert.equal(s.snapshot().request?.kind, 'answer');
  const done = s.received({ m: 0, text: 'Balance 5', dcs: 15 }, 7);
  assert.ok(done.kind === 'answer' && done.seq === seq && done.result.state === 'done');
  assert.deepEqual(s.snapshot().last, { state: 'done', text: 'Balance 5', m: 0, dcs: 15, reason: null, at: 7, unsolicited: false });
  assert.equal(s.snapshot().openedBy, null);
});

test('the reply may come before the OK of AT+CUSD=1: the late OK changes nothing', () => {
  const s = new UssdSession();
  const seq = s.begin('*100#', 'code', 0);
  const r = s.received({ m: 0, text: 'Balance', dcs: 15 }, 1);
  assert.equal(r.kind, 'answer');
  assert.equal(s.accepted(seq), false, 'the request is over');
  assert.equal(s.failed(seq, 'late error', 2), null);
  assert.equal(s.timedOut(seq, 3), null);
  assert.equal(s.state, 'idle');
  assert.equal(s.snapshot().last?.text, 'Balance');
});

test('the reply may come long after the OK: waiting lasts until the reply or the timeout', () => {
  const s = new UssdSession();
  const seq = s.begin('*100#', 'code', 0);
  assert.equal(s.accepted(seq), true);
  assert.equal(s.snapshot().request?.accepted, true);
  assert.equal(s.state, 'waiting');
  const r = s.received({ m: 0, text: 'late', dcs: 15 }, 20_000);
  assert.ok(r.kind === 'answer' && r.seq === seq);
});

test('timeout, refusal and a lost line end a waiting request once; a newer request is not touched', () => {
  const s = new UssdSession();
  const a = s.begin('*100#', 'code', 0);
  assert.deepEqual(s.timedOut(a, 15_000), { state: 'timeout', text: null, m: null, dcs: null, reason: 'no reply from the network in time' });
  assert.equal(s.timedOut(a, 15_001), null);
  const b = s.begin('*101#', 'code', 16_000);
  assert.equal(s.failed(a, 'old', 16_001), null, 'an old request cannot end the new one');
  assert.equal(s.state, 'waiting');
  assert.equal(s.failed(b, '+CME ERROR: 30', 16_002)?.state, 'error');
  const c = s.begin('*102#', 'code', 17_000);
  const lost = s.lost('line lost', 17_001);
  assert.deepEqual(lost, { seq: c, result: { state: 'error', text: null, m: null, dcs: null, reason: 'line lost' } });
  assert.equal(s.state, 'idle');
});

test('begin is refused while a request waits, an answer needs a menu, a code needs no open menu', () => {
  const s = new UssdSession();
  assert.throws(() => s.begin('1', 'answer', 0), UssdStateError);
  s.begin('*100#', 'code', 0);
  assert.throws(() => s.begin('*101#', 'code', 1), /still waiting/);
  s.received({ m: 1, text: 'menu', dcs: 15 }, 2);
  assert.throws(() => s.begin('*101#', 'code', 3), /menu is open/);
  s.cancelled(4);
  s.begin('*101#', 'code', 5);
});

test('cancel: a waiting request ends as terminated; the modem echo "+CUSD: 2" is ignored, later ones are not', () => {
  const s = new UssdSession();
  const seq = s.begin('*100#', 'code', 0);
  const c = s.cancelled(100);
  assert.deepEqual(c, { seq, result: { state: 'terminated', text: null, m: null, dcs: null, reason: 'cancelled' } });
  // A new request right away: the echo of the cancel must not be taken as its reply.
  const next = s.begin('*101#', 'code', 200);
  assert.deepEqual(s.received({ m: 2, text: null, dcs: null }, 300), { kind: 'ignored', reason: 'confirmation of AT+CUSD=2' });
  assert.equal(s.state, 'waiting');
  const r = s.received({ m: 2, text: null, dcs: null }, 400);
  assert.ok(r.kind === 'answer' && r.seq === next && r.result.state === 'terminated', 'only one echo is swallowed');
  // After the echo window an empty +CUSD: 2 during a request is the network ending it.
  s.cancelled(1000);
  const third = s.begin('*102#', 'code', 1000 + CANCEL_ECHO_MS + 1);
  const late = s.received({ m: 2, text: null, dcs: null }, 1000 + CANCEL_ECHO_MS + 2);
  assert.ok(late.kind === 'answer' && late.seq === third);
});

test('network-initiated USSD: an unsolicited <m>=1 opens a menu, <m>=2 closes it, an empty end with nothing open is ignored', () => {
  const s = new UssdSession();
  assert.equal(s.received({ m: 2, text: null, dcs: null }, 0).kind, 'ignored');
  const push = s.received({ m: 1, text: 'Rate our service: 1-5', dcs: 15 }, 1);
  assert.equal(push.kind, 'unsolicited');
  assert.equal(s.state, 'menu');
  assert.equal(s.snapshot().openedBy, 'network');
  assert.equal(s.snapshot().last?.unsolicited, true);
  const end = s.received({ m: 2, text: 'Bye', dcs: 15 }, 2);
  assert.ok(end.kind === 'unsolicited' && end.result.state === 'terminated');
  assert.equal(s.state, 'idle');
  // A notification (<m>=0 with text) while idle is kept as the last text.
  s.received({ m: 0, text: 'Your bundle expires tomorrow', dcs: 15 }, 3);
  assert.equal(s.snapshot().last?.text, 'Your bundle expires tomorrow');
  assert.equal(s.state, 'idle');
});

test('property: any sequence of events keeps the machine in a legal state and never throws outside begin', () => {
  type Ev = { k: 'begin'; kind: 'code' | 'answer' } | { k: 'ok' } | { k: 'fail' } | { k: 'timeout' } | { k: 'cancel' } | { k: 'lost' } | { k: 'cusd'; m: number; empty: boolean };
  const ev: fc.Arbitrary<Ev> = fc.oneof(
    fc.record({ k: fc.constant('begin' as const), kind: fc.constantFrom('code' as const, 'answer' as const) }),
    fc.constant({ k: 'ok' as const }),
    fc.constant({ k: 'fail' as const }),
    fc.constant({ k: 'timeout' as const }),
    fc.constant({ k: 'cancel' as const }),
    fc.constant({ k: 'lost' as const }),
    fc.record({ k: fc.constant('cusd' as const), m: fc.integer({ min: 0, max: 7 }), empty: fc.boolean() }),
  );
  fc.assert(
    fc.property(fc.array(ev, { maxLength: 40 }), (events) => {
      const s = new UssdSession();
      let t = 0;
      let seq = 0;
      for (const e of events) {
        t += 500;
        if (e.k === 'begin') {
          const legal = e.kind === 'code' ? s.state === 'idle' : s.state === 'menu';
          if (legal) seq = s.begin('1', e.kind, t);
          else assert.throws(() => s.begin('1', e.kind, t), UssdStateError);
        } else if (e.k === 'ok') s.accepted(seq);
        else if (e.k === 'fail') s.failed(seq, 'x', t);
        else if (e.k === 'timeout') s.timedOut(seq, t);
        else if (e.k === 'cancel') s.cancelled(t);
        else if (e.k === 'lost') s.lost('x', t);
        else s.received({ m: e.m, text: e.empty ? null : 'x', dcs: 15 }, t);
        const snap = s.snapshot();
        assert.ok(['idle', 'waiting', 'menu'].includes(snap.state));
        assert.equal(snap.request !== null, snap.state === 'waiting');
      }
    }),
  );
});
