import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialogLayer } from '../../../src/sip/dialog/index.js';
import { FakeScheduler, headerLines, LOCAL, requestFixture, responseFixture, SendLog, withHeaders } from './dialog-fixtures.js';

const invite = requestFixture('dialog-uac-1-invite.sip');
const ringingA = responseFixture('dialog-uac-2-180-fork-a.sip');
const okA = responseFixture('dialog-uac-3-200-fork-a.sip');
const okB = responseFixture('dialog-uac-4-200-fork-b.sip');

function setup() {
  const clock = new FakeScheduler();
  const log = new SendLog(clock);
  const layer = new DialogLayer({ local: LOCAL, send: log.send, scheduler: clock, t1Ms: 500, t2Ms: 4000 });
  const uac = layer.sendInvite(invite);
  return { clock, log, layer, uac };
}

test('forked 1xx responses make one early dialog per To tag', () => {
  const { layer, uac } = setup();
  assert.deepEqual(layer.receiveResponse(withHeaders(ringingA, { To: '<sip:x@y>' })).kind, 'provisional', 'a 1xx without To tag makes no dialog');
  const a = layer.receiveResponse(ringingA);
  const b = layer.receiveResponse(withHeaders(ringingA, { To: '<sip:+4930123456@sip.example.net>;tag=forkB42' }));
  const again = layer.receiveResponse(ringingA);
  assert.ok(a.kind === 'early' && b.kind === 'early' && again.kind === 'early');
  assert.notEqual(a.dialog, b.dialog);
  assert.equal(again.dialog, a.dialog);
  assert.equal(layer.table.size, 2);
  assert.equal(uac.state, 'pending');
});

test('the first 2xx confirms its early dialog and is ACKed: new branch, INVITE CSeq, route set, byte level', () => {
  const { layer, log } = setup();
  layer.receiveResponse(ringingA);
  const verdict = layer.receiveResponse(okA);
  assert.equal(verdict.kind, 'confirmed');
  assert.ok(verdict.kind === 'confirmed');
  assert.equal(verdict.dialog.state, 'confirmed');
  const acks = log.of('ACK ');
  assert.equal(acks.length, 1);
  const text = acks[0]!.text;
  assert.equal(text.split('\r\n')[0], 'ACK sip:phone-a@203.0.113.21:5062;transport=udp SIP/2.0');
  const lines = headerLines(text);
  assert.ok(lines.includes('CSeq: 41 ACK'));
  assert.deepEqual(lines.filter((l) => l.startsWith('Route:')), ['Route: <sip:edge.example.net;lr>', 'Route: <sip:core.example.net;lr>']);
  assert.ok(lines.includes('To: <sip:+4930123456@sip.example.net>;tag=forkA77'));
  assert.ok(lines.includes('From: "Line 1" <sip:1001@sip.example.net>;tag=c3f1a9e2'));
  assert.notEqual(verdict.ack.topVia?.branch, invite.topVia?.branch, '§13.2.2.4: the ACK for 2xx is its own transaction');
  assert.deepEqual(acks[0]!.target, { kind: 'ack', nextHop: 'sip:edge.example.net;lr' });
});

test('every retransmitted 2xx gets the same ACK again, and nothing else', () => {
  const { layer, log } = setup();
  layer.receiveResponse(okA);
  for (let i = 0; i < 3; i++) assert.equal(layer.receiveResponse(okA).kind, 'ack-resent');
  const acks = log.of('ACK ');
  assert.equal(acks.length, 4);
  assert.equal(new Set(acks.map((a) => a.text)).size, 1, 'the retransmitted ACK is byte for byte the first');
  assert.equal(log.of('BYE ').length, 0);
});

test('late 200 from a second fork: ACK then BYE to that fork; our dialog stays', () => {
  const { layer, log, uac } = setup();
  const first = layer.receiveResponse(okA);
  const late = layer.receiveResponse(okB);
  assert.equal(late.kind, 'released');
  assert.ok(late.kind === 'released' && first.kind === 'confirmed');
  assert.equal(late.why, 'fork');
  assert.deepEqual(log.sent.map((s) => s.text.split(' ')[0]), ['ACK', 'ACK', 'BYE']);
  const [, ackB, byeB] = log.sent;
  assert.equal(ackB!.text.split('\r\n')[0], 'ACK sip:phone-b@203.0.113.22:5064 SIP/2.0');
  assert.ok(headerLines(ackB!.text).includes('To: <sip:+4930123456@sip.example.net>;tag=forkB42'));
  assert.equal(byeB!.text.split('\r\n')[0], 'BYE sip:phone-b@203.0.113.22:5064 SIP/2.0');
  assert.ok(headerLines(byeB!.text).includes('CSeq: 42 BYE'));
  assert.ok(headerLines(byeB!.text).includes('To: <sip:+4930123456@sip.example.net>;tag=forkB42'));
  assert.deepEqual(byeB!.target, { kind: 'request', nextHop: 'sip:edge.example.net;lr' });
  assert.equal(uac.dialog, first.dialog);
  assert.equal(first.dialog.state, 'confirmed');
  assert.equal(layer.table.size, 1);
  // A retransmission of the fork's 2xx is ACKed again, without a second BYE.
  assert.equal(layer.receiveResponse(okB).kind, 'ack-resent');
  assert.equal(log.of('BYE ').length, 1);
});

test('CANCEL/200 race: CANCEL sent, then a 200 arrives → ACK + BYE, no dialog kept', () => {
  const { layer, log, uac } = setup();
  layer.receiveResponse(ringingA);
  const cancel = uac.cancel();
  assert.ok(cancel.ok);
  assert.equal(cancel.cancel.headers.get('cseq'), '41 CANCEL');
  assert.equal(cancel.cancel.topVia?.branch, invite.topVia?.branch, '§9.1: CANCEL has the INVITE branch');
  assert.deepEqual(log.sent[0]!.target, { kind: 'request', nextHop: 'sip:edge.example.net;lr' });
  assert.deepEqual(uac.cancel(), { ok: false, reason: 'not-pending' });
  const verdict = layer.receiveResponse(okA);
  assert.ok(verdict.kind === 'released');
  assert.equal(verdict.why, 'cancelled');
  assert.deepEqual(log.sent.map((s) => s.text.split(' ')[0]), ['CANCEL', 'ACK', 'BYE']);
  assert.equal(uac.state, 'answered');
  assert.equal(uac.dialog, undefined);
  assert.equal(layer.table.size, 0);
  // The 487 for the INVITE may still come; it changes nothing.
  const terminated = withHeaders(okA, {});
  terminated.statusCode = 487;
  assert.equal(layer.receiveResponse(terminated).kind, 'ignored');
});

test('a failure response ends every early dialog (§12.3)', () => {
  const { layer, uac } = setup();
  const a = layer.receiveResponse(ringingA);
  const b = layer.receiveResponse(withHeaders(ringingA, { To: '<sip:+4930123456@sip.example.net>;tag=forkB42' }));
  const busy = withHeaders(ringingA, {});
  busy.statusCode = 486;
  assert.deepEqual(layer.receiveResponse(busy), { kind: 'failed', statusCode: 486 });
  assert.ok(a.kind === 'early' && b.kind === 'early');
  assert.equal(a.dialog.state, 'terminated');
  assert.equal(b.dialog.state, 'terminated');
  assert.equal(layer.table.size, 0);
  assert.equal(uac.state, 'failed');
});

test('the INVITE transaction ending (Timer M) ends early dialogs of forks that never answered', () => {
  const { layer, uac } = setup();
  const b = layer.receiveResponse(withHeaders(ringingA, { To: '<sip:+4930123456@sip.example.net>;tag=forkB42' }));
  layer.receiveResponse(okA);
  layer.inviteTransactionTerminated(uac);
  assert.ok(b.kind === 'early');
  assert.equal(b.dialog.state, 'terminated');
  assert.equal(layer.table.size, 1);
});

test('a 2xx without a To tag or with a bad Record-Route is refused as a verdict', () => {
  const { layer, log } = setup();
  assert.deepEqual(layer.receiveResponse(withHeaders(okA, { To: '<sip:+4930123456@sip.example.net>' })), { kind: 'invalid', reason: 'missing-tag' });
  assert.deepEqual(layer.receiveResponse(withHeaders(okA, { 'Record-Route': '<sip:broken' })), { kind: 'invalid', reason: 'bad-record-route' });
  assert.equal(log.sent.length, 0);
});

test('BYE we send on a confirmed dialog; the 481 to an in-dialog request ends the dialog (§12.2.1.2)', () => {
  const { layer, log } = setup();
  const confirmed = layer.receiveResponse(okA);
  assert.ok(confirmed.kind === 'confirmed');
  const info = confirmed.dialog.createRequest('INFO').request;
  const gone = withHeaders(okA, { CSeq: `${info.cseq!.seq} INFO` });
  gone.statusCode = 481;
  assert.equal(layer.receiveResponse(gone).kind, 'dialog-ended');
  assert.equal(confirmed.dialog.state, 'terminated');
  assert.equal(layer.sendBye(confirmed.dialog), undefined, 'no BYE on a terminated dialog');
  assert.equal(log.of('BYE ').length, 0);
});

test('re-INVITE 2xx is ACKed with its own CSeq, again on retransmission, and refreshes the target', () => {
  const { layer, log } = setup();
  const confirmed = layer.receiveResponse(okA);
  assert.ok(confirmed.kind === 'confirmed');
  const reinvite = confirmed.dialog.createRequest('INVITE').request;
  const ok = withHeaders(okA, { CSeq: `${reinvite.cseq!.seq} INVITE`, Contact: '<sip:phone-a@203.0.113.77>' });
  assert.equal(layer.receiveResponse(ok).kind, 'reinvite-acked');
  assert.equal(layer.receiveResponse(ok).kind, 'reinvite-acked');
  const acks = log.of('ACK ').slice(1);
  assert.equal(acks.length, 2);
  assert.equal(acks[0]!.text, acks[1]!.text);
  assert.ok(headerLines(acks[0]!.text).includes('CSeq: 42 ACK'));
  assert.equal(confirmed.dialog.remoteTarget, 'sip:phone-a@203.0.113.77');
  const bye = layer.sendBye(confirmed.dialog);
  assert.equal(bye?.uri, 'sip:phone-a@203.0.113.77');
  assert.equal(confirmed.dialog.state, 'terminated');
});
