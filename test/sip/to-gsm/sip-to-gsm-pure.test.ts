/**
 * The pure pieces of SIP → GSM calls: the GSM end cause → SIP status table, DTMF in INFO bodies, the
 * call's state table, the second-stage digit collector and the Request-URI user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canSipToGsmTransition,
  classifyGsmEnd,
  IllegalSipToGsmTransition,
  readDtmfInfo,
  sipToGsmTransition,
  statusForGsmEnd,
  uriUser,
} from '../../../src/sip/to-gsm/index.js';
import { DigitCollector } from '../../../src/sip/to-gsm/digit-collector.js';

const table = { busy: 486, noAnswer: 480, rejected: 603, unreachable: 404, other: 503 };

test('GSM end causes: result codes and +CEER texts map to their class', () => {
  const cases: [string | null, boolean, string][] = [
    ['BUSY', false, 'busy'],
    ['NO ANSWER', true, 'noAnswer'],
    ['NO CARRIER', true, 'noAnswer'],
    ['NO CARRIER', false, 'other'],
    ['HANGUP', true, 'noAnswer'],
    ['NO DIALTONE', false, 'unreachable'],
    ['User busy', false, 'busy'],
    ['No answer from user (user alerted)', true, 'noAnswer'],
    ['Call rejected', true, 'rejected'],
    ['Subscriber absent', false, 'unreachable'],
    ['Unassigned (unallocated) number', false, 'unreachable'],
    ['Network out of order', false, 'other'],
    ['ERROR', false, 'other'],
    [null, false, 'other'],
  ];
  for (const [cause, alerted, klass] of cases) assert.equal(classifyGsmEnd(cause, alerted), klass, `${cause} (alerted ${alerted})`);
});

test('the status comes from the configured table, with a reason phrase; a bad entry falls back to 503', () => {
  assert.deepEqual(statusForGsmEnd('BUSY', false, table), { status: 486, reason: 'Busy Here', class: 'busy' });
  assert.deepEqual(statusForGsmEnd('Call rejected', true, { ...table, rejected: 486 }), { status: 486, reason: 'Busy Here', class: 'rejected' });
  assert.equal(statusForGsmEnd('Subscriber absent', false, table).status, 404);
  assert.equal(statusForGsmEnd('BUSY', false, { ...table, busy: 42 }).status, 503);
});

test('DTMF in INFO: dtmf-relay Signal lines and application/dtmf bodies; events 10 and 11 are * and #', () => {
  assert.deepEqual(readDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), { ok: true, digit: '5' });
  assert.deepEqual(readDtmfInfo('Application/DTMF-Relay; charset=x', 'Signal= #\nDuration=100'), { ok: true, digit: '#' });
  assert.deepEqual(readDtmfInfo('application/dtmf-relay', 'Signal=11\r\n'), { ok: true, digit: '#' });
  assert.deepEqual(readDtmfInfo('application/dtmf', '7'), { ok: true, digit: '7' });
  assert.deepEqual(readDtmfInfo('application/dtmf', '10'), { ok: true, digit: '*' });
  assert.deepEqual(readDtmfInfo('application/dtmf-relay', 'Duration=160'), { ok: false, reason: 'no-signal' });
  assert.deepEqual(readDtmfInfo('application/dtmf-relay', 'Signal=Z'), { ok: false, reason: 'bad-signal' });
  assert.deepEqual(readDtmfInfo('text/plain', '5'), { ok: false, reason: 'not-dtmf' });
  assert.deepEqual(readDtmfInfo(undefined, ''), { ok: false, reason: 'not-dtmf' });
});

test('the call state table: the paths of the header, and illegal edges throw', () => {
  const walk = (events: Parameters<typeof sipToGsmTransition>[1][]) => events.reduce((s, e) => sipToGsmTransition(s, e), 'invited' as ReturnType<typeof sipToGsmTransition>);
  assert.equal(walk(['dial', 'alerting', 'alerting', 'answered', 'ack', 'end']), 'ended');
  assert.equal(walk(['dial', 'answered', 'await-ack', 'ack']), 'ended');
  assert.equal(walk(['collect', 'dial', 'alerting', 'answered', 'ack']), 'confirmed');
  assert.equal(walk(['dial', 'end']), 'ended');
  assert.throws(() => sipToGsmTransition('confirmed', 'await-ack'), IllegalSipToGsmTransition);
  assert.throws(() => sipToGsmTransition('ended', 'end'), IllegalSipToGsmTransition);
  assert.throws(() => sipToGsmTransition('invited', 'ack'), IllegalSipToGsmTransition);
  assert.equal(canSipToGsmTransition('closing', 'ack'), true);
  assert.equal(canSipToGsmTransition('confirmed', 'dial'), false);
});

test('digit collector: # ends at once; otherwise the inter-digit timeout ends it; reported once', async () => {
  const got: string[] = [];
  const hash = new DigitCollector(1000, (n) => got.push(n));
  hash.start();
  for (const d of ['1', '3', '8', '#', '9']) hash.add(d);
  assert.deepEqual(got, ['138']);
  const timed = new DigitCollector(40, (n) => got.push(n));
  timed.start();
  timed.add('5');
  await new Promise((r) => setTimeout(r, 25));
  timed.add('6');
  await new Promise((r) => setTimeout(r, 25));
  assert.deepEqual(got, ['138'], 'each digit restarts the wait');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(got, ['138', '56']);
  const stopped = new DigitCollector(10, (n) => got.push(n));
  stopped.start();
  stopped.stop();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.length, 2);
});

test('the Request-URI user: escapes decoded, user parameters dropped, tel: read', () => {
  assert.equal(uriUser('sip:13800138000@gw.example.net'), '13800138000');
  assert.equal(uriUser('sip:%2B8613800138000;phone-context=example.net@gw'), '+8613800138000');
  assert.equal(uriUser('tel:+8613800138000;phone-context=+86'), '+8613800138000');
  assert.equal(uriUser('sip:gw.example.net'), '');
  assert.equal(uriUser(undefined), '');
});
