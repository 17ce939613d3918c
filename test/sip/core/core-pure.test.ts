/** The pure parts of the core: transaction views of parsed messages, §8.2 checks, next-hop targets, the tracked scheduler. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipMessage, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import { checkNewRequest, nextHopTarget, transactionRequestOf, transactionResponseOf } from '../../../src/sip/core/index.js';
import { TrackedScheduler } from '../../../src/sip/core/tracked-scheduler.js';
import { serverKeyOfRequest } from '../../../src/sip/transaction/transaction-key.js';
import { requestText } from './core-fixtures.js';

function parse(text: string): SipRequest | SipResponse {
  const result = parseSipMessage(Buffer.from(text, 'utf8'));
  assert.ok(result.ok, 'fixture parses');
  return result.message;
}

const peer = { host: 'PC33.Example.COM', port: 5062 };

test('request view: branch, sent-by host lower-cased with its port, CSeq method; no legacy identity with the cookie', () => {
  const request = parse(requestText({ method: 'INVITE', peer, branch: 'z9hG4bKabc', callId: 'v1', cseq: 7 })) as SipRequest;
  const view = transactionRequestOf(request)!;
  assert.equal(view.branch, 'z9hG4bKabc');
  assert.equal(view.sentBy, 'pc33.example.com:5062');
  assert.equal(view.cseqMethod, 'INVITE');
  assert.equal(view.legacy, undefined);
  assert.ok(view.bytes.length > 0);
});

test('request view of an RFC 2543 request: the §17.2.3 identity; its ACK matches the INVITE key', () => {
  const invite = parse(requestText({ method: 'INVITE', peer, branch: 'old1', callId: 'v2', fromTag: 'f' })) as SipRequest;
  const view = transactionRequestOf(invite)!;
  assert.deepEqual({ ...view.legacy }, { requestUri: 'sip:gw@127.0.0.1', callId: 'v2', cseqNumber: 1, fromTag: 'f', toTag: undefined, topVia: 'UDP pc33.example.com:5062;branch=old1' });
  const ack = parse(requestText({ method: 'ACK', peer, branch: 'old1', callId: 'v2', fromTag: 'f', toTag: 't' })) as SipRequest;
  const inviteKey = serverKeyOfRequest(view);
  const ackKey = serverKeyOfRequest(transactionRequestOf(ack)!);
  assert.ok(inviteKey.ok && ackKey.ok);
  assert.equal(ackKey.key, inviteKey.key);
});

test('response view: status, branch, CSeq method, To tag', () => {
  const response = parse('SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKr\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 3 INVITE\r\nContent-Length: 0\r\n\r\n') as SipResponse;
  const view = transactionResponseOf(response);
  assert.equal(view.statusCode, 486);
  assert.equal(view.branch, 'z9hG4bKr');
  assert.equal(view.cseqMethod, 'INVITE');
  assert.equal(view.toTag, '2');
});

test('§8.2 checks: 483 before 405 before 420; Require is not checked on CANCEL; option tags compare case-insensitively', () => {
  const make = (method: string, extra: string[] = [], maxForwards = 70) =>
    parse(requestText({ method, peer, branch: 'z9hG4bKc', callId: 'c', extra }).replace('Max-Forwards: 70', `Max-Forwards: ${maxForwards}`)) as SipRequest;
  const allowed = ['INVITE', 'CANCEL', 'OPTIONS'];
  assert.equal(checkNewRequest(make('FOO', [], 0), allowed, [])?.statusCode, 483);
  assert.equal(checkNewRequest(make('OPTIONS', [], 0), allowed, []), undefined);
  assert.deepEqual(checkNewRequest(make('FOO'), allowed, []), { statusCode: 405, reasonPhrase: 'Method Not Allowed', headers: [['Allow', 'INVITE, CANCEL, OPTIONS']] });
  assert.deepEqual(checkNewRequest(make('INVITE', ['Require: timer', 'Require: X-Y']), allowed, ['TIMER'])?.headers, [['Unsupported', 'X-Y']]);
  assert.equal(checkNewRequest(make('INVITE', ['Require: timer']), allowed, ['timer']), undefined);
  assert.equal(checkNewRequest(make('CANCEL', ['Require: foo']), allowed, []), undefined);
});

test('next hop: IP literal hosts, default ports per transport, transport and maddr parameters; names need DNS', () => {
  assert.deepEqual(nextHopTarget('sip:bob@127.0.0.1:5070'), { ok: true, target: { ip: '127.0.0.1', port: 5070, kind: 'udp' } });
  assert.deepEqual(nextHopTarget('sip:bob@[::1];transport=TCP'), { ok: true, target: { ip: '::1', port: 5060, kind: 'tcp' } });
  assert.deepEqual(nextHopTarget('sips:bob@192.0.2.1'), { ok: true, target: { ip: '192.0.2.1', port: 5061, kind: 'tls' } });
  assert.deepEqual(nextHopTarget('sip:bob@proxy.example.com;maddr=192.0.2.9;lr'), { ok: true, target: { ip: '192.0.2.9', port: 5060, kind: 'udp' } });
  assert.deepEqual(nextHopTarget('sip:bob@example.com'), { ok: false, reason: 'host-not-an-ip' });
  assert.deepEqual(nextHopTarget('sip:bob@192.0.2.1;transport=sctp'), { ok: false, reason: 'unsupported-transport' });
  assert.deepEqual(nextHopTarget('tel:+4930123'), { ok: false, reason: 'not-a-sip-uri' });
});

test('tracked scheduler: close cancels what is pending and refuses new timers', () => {
  const fired: string[] = [];
  const timers: Array<{ fire: () => void; cancelled: boolean }> = [];
  const scheduler = new TrackedScheduler({
    schedule(_delay, fire) {
      const entry = { fire, cancelled: false };
      timers.push(entry);
      return { cancel: () => void (entry.cancelled = true) };
    },
  });
  scheduler.schedule(10, () => fired.push('a'));
  scheduler.schedule(10, () => fired.push('b'));
  timers[0]!.fire();
  assert.equal(scheduler.pendingCount, 1);
  scheduler.close();
  assert.equal(timers[1]!.cancelled, true);
  scheduler.schedule(10, () => fired.push('c'));
  assert.equal(timers.length, 2);
  assert.deepEqual(fired, ['a']);
});
