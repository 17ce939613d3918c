/**
 * The call state machine over every (state, event) pair: the legal edges, written out here from the
 * diagram of call-state.ts, give their state; every other pair throws IllegalCallTransition. Then the
 * Call object: its times, its outcome, and that an ended call is final.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callTransition, canTransition, IllegalCallTransition, type CallEvent, type CallState } from '../../src/call/call-state.js';
import { Call, CallEnded, type CallDirection } from '../../src/call/call.js';

const STATES: readonly CallState[] = ['IDLE', 'DIALING', 'ALERTING', 'CONNECTED', 'ACTIVE', 'INCOMING'];
const EVENTS: readonly CallEvent[] = ['dial', 'alerting', 'answered', 'incoming', 'voip-answered', 'held-for-voip', 'bridged', 'ended'];

/** The legal edges; every pair not listed is illegal. */
const LEGAL: Record<CallState, Partial<Record<CallEvent, CallState>>> = {
  IDLE: { dial: 'DIALING', incoming: 'INCOMING', 'voip-answered': 'ACTIVE', ended: 'IDLE' },
  DIALING: { alerting: 'ALERTING', answered: 'CONNECTED', ended: 'IDLE' },
  ALERTING: { alerting: 'ALERTING', answered: 'CONNECTED', ended: 'IDLE' },
  CONNECTED: { answered: 'CONNECTED', ended: 'IDLE' },
  ACTIVE: { dial: 'DIALING', bridged: 'CONNECTED', ended: 'IDLE' },
  INCOMING: { incoming: 'INCOMING', answered: 'CONNECTED', 'held-for-voip': 'ACTIVE', ended: 'IDLE' },
};

test('every (state, event) pair: a legal edge gives its state, any other throws IllegalCallTransition', () => {
  let legal = 0;
  let illegal = 0;
  for (const from of STATES) {
    for (const event of EVENTS) {
      const to = LEGAL[from][event];
      if (to !== undefined) {
        assert.equal(callTransition(from, event), to, `${from} --${event}-->`);
        assert.equal(canTransition(from, event), true, `${from} --${event}--> is legal`);
        legal++;
      } else {
        assert.throws(
          () => callTransition(from, event),
          (e: unknown) => e instanceof IllegalCallTransition && e.from === from && e.event === event && e.message.includes(from) && e.message.includes(event),
          `${from} --${event}--> must throw`,
        );
        assert.equal(canTransition(from, event), false, `${from} --${event}--> is illegal`);
        illegal++;
      }
    }
  }
  assert.equal(legal + illegal, STATES.length * EVENTS.length);
  assert.equal(legal, 19);
});

function call(direction: CallDirection = 'out', at = 1_000): Call {
  return new Call({ id: `1:${at}`, direction, origin: direction === 'in' ? 'network' : 'api:admin', gsm: { line: 1, slot: 'A', iccid: null, number: '10086', cause: null }, at });
}

test('a Call stamps setup, alerting (the first time), answer and end, and counts talk time from the answer', () => {
  const c = call('out', 1_000);
  assert.equal(c.state, 'IDLE');
  assert.equal(c.apply('dial', 1_000), 'IDLE');
  assert.equal(c.apply('alerting', 1_500), 'DIALING');
  c.apply('alerting', 1_900); // a repeated +CLCC "alerting" keeps the first time
  assert.equal(c.apply('answered', 3_000), 'ALERTING');
  c.apply('answered', 3_300);
  assert.deepEqual(c.times, { setup: 1_000, alerting: 1_500, answer: 3_000, end: null });
  assert.equal(c.ended, false);
  assert.equal(c.durationSec(10_000), 7);
  assert.equal(c.apply('ended', 15_400), 'CONNECTED');
  assert.deepEqual(c.times, { setup: 1_000, alerting: 1_500, answer: 3_000, end: 15_400 });
  assert.equal(c.state, 'IDLE');
  assert.equal(c.ended, true);
  assert.equal(c.durationSec(99_999), 12, 'an ended call counts to its end, not to now');
  assert.equal(c.outcome(), 'answered');
});

test('an ended call is final: every event throws CallEnded and none is possible', () => {
  const c = call();
  c.apply('dial', 1_000);
  c.apply('ended', 2_000);
  for (const event of EVENTS) {
    assert.equal(c.can(event), false, event);
    assert.throws(() => c.apply(event, 3_000), (e: unknown) => e instanceof CallEnded && e.callId === c.id && e.event === event);
  }
  assert.equal(c.times.end, 2_000, 'the end time does not move');
});

test('an illegal event on a live call throws IllegalCallTransition and changes nothing', () => {
  const c = call('in');
  c.apply('incoming', 1_000);
  assert.equal(c.can('dial'), false);
  assert.throws(() => c.apply('dial', 1_100), IllegalCallTransition);
  assert.equal(c.state, 'INCOMING');
  assert.deepEqual(c.times, { setup: 1_000, alerting: null, answer: null, end: null });
  assert.equal(c.can('answered'), true);
});

test('outcome: answered, missed, busy, no-answer, failed, refused', () => {
  const ended = (direction: CallDirection, steps: CallEvent[], cause: string | null, gatewayCause: string | null = null) => {
    const c = call(direction);
    let t = 1_000;
    for (const s of steps) c.apply(s, (t += 100));
    c.gsm.cause = cause;
    c.gatewayCause = gatewayCause;
    c.apply('ended', (t += 100));
    return c.outcome();
  };
  assert.equal(ended('out', ['dial', 'alerting', 'answered'], 'NO CARRIER'), 'answered');
  assert.equal(ended('in', ['incoming', 'answered'], null), 'answered');
  assert.equal(ended('in', ['incoming'], 'NO CARRIER'), 'missed');
  assert.equal(ended('in', ['incoming'], null, 'no route for incoming calls: rejected after 30 s of ringing'), 'missed');
  assert.equal(ended('out', ['dial'], 'BUSY'), 'busy');
  assert.equal(ended('out', ['dial'], 'NO ANSWER'), 'no-answer');
  assert.equal(ended('out', ['dial', 'alerting'], null), 'no-answer', 'rang, then we hung up');
  assert.equal(ended('out', ['dial'], 'NO CARRIER'), 'failed', 'never rang');
  assert.equal(ended('out', ['dial'], 'ERROR'), 'failed');
  assert.equal(ended('out', [], null, 'refused: limit reached'), 'refused');
});
