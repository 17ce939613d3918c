import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callIdKey, parseRelayReport, RELAY_ERROR_NUMBERS, relayErrorNumber, relayReportBody, readTextBody } from '../../../src/sip/message-sms/index.js';
import { exampleRequest } from './message-sms-fixtures.js';

test('RELAY OK is written exactly as the manual: SMS(callid:<before @>) RELAY OK, no line break', () => {
  assert.equal(relayReportBody('76d95bb56a4410f4512954fe295493ea@192.0.2.2', { ok: true }), 'SMS(callid:76d95bb56a4410f4512954fe295493ea) RELAY OK');
});

test('our RELAY OK equals the body of the manual\'s report MESSAGE byte for byte', () => {
  const manual = exampleRequest('message-sms-relay-report.sip');
  const read = readTextBody(manual);
  assert.ok(read.ok);
  assert.equal(relayReportBody('76d95bb56a4410f4512954fe295493ea@10.0.0.1', { ok: true }), read.text);
  assert.deepEqual(parseRelayReport(read.text), { callIdKey: '76d95bb56a4410f4512954fe295493ea', ok: true });
});

test('RELAY ERROR:<n> for each failure, per the documented table', () => {
  const cases: [Parameters<typeof relayErrorNumber>[0], number][] = [
    [{ kind: 'modem-refused', cmsError: 38 }, 38],
    [{ kind: 'modem-refused', cmsError: 0 }, 0],
    [{ kind: 'modem-refused', cmsError: 511 }, 511],
    [{ kind: 'modem-refused' }, 500],
    [{ kind: 'modem-refused', cmsError: 512 }, 500],
    [{ kind: 'modem-refused', cmsError: -1 }, 500],
    [{ kind: 'modem-refused', cmsError: 1.5 }, 500],
    [{ kind: 'no-line' }, 1001],
    [{ kind: 'cannot-encode' }, 1002],
    [{ kind: 'limit-reached' }, 1003],
    [{ kind: 'outcome-unknown' }, 1004],
  ];
  for (const [failure, number] of cases) {
    assert.equal(relayErrorNumber(failure), number, JSON.stringify(failure));
    assert.equal(relayReportBody('abc@h', { ok: false, failure }), `SMS(callid:abc) RELAY ERROR:${number}`);
  }
  assert.deepEqual(RELAY_ERROR_NUMBERS, { unknownModemError: 500, noLine: 1001, cannotEncode: 1002, limitReached: 1003, outcomeUnknown: 1004 });
});

test('callIdKey: the part before the first @, the whole Call-ID without one', () => {
  assert.equal(callIdKey('3ac530c06a46a6123b0e5cd76164edb8@127.0.0.1:5060'), '3ac530c06a46a6123b0e5cd76164edb8');
  assert.equal(callIdKey('1448187487'), '1448187487');
  assert.equal(callIdKey('a@b@c'), 'a');
});

test('parseRelayReport reads OK and ERROR reports, tolerates a trailing line break, refuses anything else', () => {
  assert.deepEqual(parseRelayReport('SMS(callid:42) RELAY ERROR:1001\r\n'), { callIdKey: '42', ok: false, errorNumber: 1001 });
  for (const bad of ['SMS(callid:42) relay ok', 'SMS(callid:42)RELAY OK', 'SMS(callid:) RELAY OK', 'SMS(callid:42) RELAY ERROR:', 'SMS(callid:42) RELAY ERROR:x', 'hello']) {
    assert.equal(parseRelayReport(bad), undefined, bad);
  }
});
