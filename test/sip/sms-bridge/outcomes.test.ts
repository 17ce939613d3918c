/** send-outcome.ts, submit-refusal.ts and relay-report-record.ts: the tables that decide statuses and reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, createRequest, type SipRequest } from '../../../src/sip/message/index.js';
import { PermanentDeliveryError } from '../../../src/sms/delivery-worker.js';
import { SubmitError } from '../../../src/sms/sms-router.js';
import { outcomeOf, readReadyReport, readRecord, RetryableSendError, sendErrorOf, submitRefusalOf } from '../../../src/sip/sms-bridge/index.js';

const request: SipRequest = createRequest({ method: 'MESSAGE', uri: 'sip:101@127.0.0.1', via: { transport: 'UDP', host: '127.0.0.1' }, from: { uri: 'sip:gw@127.0.0.1' }, to: { uri: 'sip:101@127.0.0.1' }, cseq: 1, version: 'test' });
const answer = (status: number, headers: [string, string][] = []) => ({ kind: 'response' as const, response: createResponse(request, status, 'X', { version: 'test', headers }) });

test('2xx delivers; 408/480/503, timeout and transport errors retry; other finals are permanent', () => {
  assert.equal(sendErrorOf(answer(200), 'm'), undefined);
  assert.equal(sendErrorOf(answer(202), 'm'), undefined);
  for (const s of [408, 480, 503]) assert.ok(sendErrorOf(answer(s), 'm') instanceof RetryableSendError, String(s));
  for (const s of [302, 403, 404, 415, 486, 500, 603]) assert.ok(sendErrorOf(answer(s), 'm') instanceof PermanentDeliveryError, String(s));
  assert.ok(sendErrorOf({ kind: 'timeout' }, 'm') instanceof RetryableSendError);
  assert.ok(sendErrorOf({ kind: 'transport-error', error: new Error('ECONNREFUSED') }, 'm') instanceof RetryableSendError);
  assert.equal((sendErrorOf(answer(503, [['Retry-After', '30']]), 'm') as RetryableSendError).retryAfterMs, 30_000);
  assert.equal((sendErrorOf(answer(480, [['Retry-After', 'soon']]), 'm') as RetryableSendError).retryAfterMs, undefined);
});

test('router refusals: dial rules / prefixes 403, an emptied or broken number 484, a too long text 413, anything else is not a refusal', () => {
  assert.equal(submitRefusalOf(new SubmitError('recipient', 'dial rules refuse 123: "123" does not completely match any dial rule (strict dial rules)'))?.statusCode, 403);
  assert.equal(submitRefusalOf(new SubmitError('recipient', "no line's prefix matches the recipient (manual §4.3 line-prefix matching)"))?.statusCode, 403);
  assert.equal(submitRefusalOf(new SubmitError('recipient', 'the recipient is empty once the line prefix is removed'))?.statusCode, 484);
  assert.equal(submitRefusalOf(new SubmitError('recipient', 'the dial rules made "ab" of 12, which is not a phone number'))?.statusCode, 484);
  const long = submitRefusalOf(new SubmitError('text', 'text is 40000 characters; at most 39015 fit in 255 concatenated parts'));
  assert.equal(long?.statusCode, 413);
  assert.match(long!.headers[0]![1], /^399 cellgate "text is 40000/);
  assert.equal(submitRefusalOf(new Error('disk I/O error')), undefined);
  assert.equal(submitRefusalOf('weird'), undefined);
});

test('a stored SMS’s status becomes the report outcome; queued/sending have none yet', () => {
  assert.equal(outcomeOf({ status: 'queued', reason: null }), undefined);
  assert.equal(outcomeOf({ status: 'sending', reason: null }), undefined);
  assert.deepEqual(outcomeOf({ status: 'sent', reason: null }), { ok: true });
  assert.deepEqual(outcomeOf({ status: 'delivered', reason: null }), { ok: true });
  assert.deepEqual(outcomeOf({ status: 'failed', reason: 'line 1: +CMS ERROR: 38 (after 3 attempts)' }), { ok: false, failure: { kind: 'modem-refused', cmsError: 38 } });
  assert.deepEqual(outcomeOf({ status: 'failed', reason: 'line 2: no answer' }), { ok: false, failure: { kind: 'modem-refused' } });
  assert.deepEqual(outcomeOf({ status: 'expired', reason: null }), { ok: false, failure: { kind: 'no-line' } });
  assert.deepEqual(outcomeOf({ status: 'unknown', reason: 'x' }), { ok: false, failure: { kind: 'outcome-unknown' } });
});

test('stored records are read back or refused, never thrown on', () => {
  const record = { callId: 'a@b', senderUri: 'sip:102@1.2.3.4', gatewayUri: 'sip:gw@5.6.7.8', source: { ip: '1.2.3.4', port: 5060, kind: 'udp' } };
  assert.deepEqual(readRecord(record), record);
  assert.deepEqual(readReadyReport({ ...record, outcome: { ok: true } }), { ...record, outcome: { ok: true } });
  for (const junk of [null, 3, 'x', {}, { ...record, source: { ip: '1', port: 'x', kind: 'udp' } }, { ...record, source: { ...record.source, kind: 'sctp' } }]) assert.equal(readRecord(junk), undefined);
  assert.equal(readReadyReport(record), undefined, 'no outcome');
  assert.equal(readReadyReport({ ...record, outcome: { ok: false } }), undefined);
});
