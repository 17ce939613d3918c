import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server-transaction.js';
import { IllegalTransitionError } from '../../../src/sip/transaction/transaction-error.js';
import type { ServerTransactionReport } from '../../../src/sip/transaction/transaction-report.js';
import type { TransactionTimerOptions } from '../../../src/sip/transaction/transaction-timer-options.js';
import { FakeScheduler, RecordingTransport, request, response, timers } from './transaction-fixtures.js';

function setup(reliable: boolean, options: TransactionTimerOptions = {}) {
  const clock = new FakeScheduler();
  const transport = new RecordingTransport(reliable, clock);
  const reports: ServerTransactionReport[] = [];
  const invite = request({ method: 'INVITE', branch: 'z9hG4bKinv1' });
  const tx = new InviteServerTransaction({
    request: invite,
    transport,
    timers: timers(options),
    scheduler: clock,
    buildTrying: () => response(100, 'z9hG4bKinv1'),
    buildNoAnswerResponse: () => response(408, 'z9hG4bKinv1', 'INVITE', 'gw1'),
    report: (r) => reports.push(r),
  });
  tx.start();
  const ack = request({ method: 'ACK', branch: 'z9hG4bKinv1', cseqMethod: 'ACK' });
  const lines = () => transport.sent.map((s) => `${s.at} ${s.text.split('\r\n')[0]}`);
  return { clock, transport, reports, tx, invite, ack, lines };
}

const kinds = (reports: ServerTransactionReport[]) => reports.map((r) => (r.kind === 'timeout' ? `timeout ${r.timer}` : r.kind));

test('100 Trying after 200 ms when the TU has not answered; a retransmitted INVITE gets it again', () => {
  const { clock, tx, invite, lines } = setup(false);
  clock.advance(199);
  assert.deepEqual(lines(), []);
  assert.equal(tx.receiveRequest(invite), 'absorbed', 'nothing to resend yet');
  clock.advance(1);
  assert.deepEqual(lines(), ['200 SIP/2.0 100 Trying']);
  clock.advance(300);
  assert.equal(tx.receiveRequest(invite), 'response-resent');
  assert.deepEqual(lines(), ['200 SIP/2.0 100 Trying', '500 SIP/2.0 100 Trying']);
});

test('no 100 Trying when the TU answers within 200 ms; the last provisional is resent', () => {
  const { clock, tx, invite, lines } = setup(false);
  clock.advance(50);
  tx.respond(response(180));
  clock.advance(1000);
  tx.receiveRequest(invite);
  assert.deepEqual(lines(), ['50 SIP/2.0 180 Ringing', '1050 SIP/2.0 180 Ringing']);
  assert.equal(tx.state, 'proceeding');
});

test('UDP 3xx–6xx: Timer G resends at 0.5, 1, 2, 4, 4 … s, Timer H ends it at 64·T1 and tells the TU', () => {
  const { clock, transport, reports, tx } = setup(false);
  tx.respond(response(486));
  assert.equal(tx.state, 'completed');
  clock.advance(31_999);
  assert.deepEqual(transport.timesOf('SIP/2.0 486'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['timeout H', 'terminated']);
  assert.equal(clock.pending, 0);
});

test('UDP: the ACK stops Timer G, Confirmed absorbs ACKs and INVITEs for T4, then terminates', () => {
  const { clock, transport, reports, tx, invite, ack } = setup(false);
  tx.respond(response(404));
  clock.advance(2000);
  assert.equal(tx.receiveRequest(invite), 'response-resent');
  assert.equal(tx.receiveRequest(ack), 'absorbed');
  assert.equal(tx.state, 'confirmed');
  assert.equal(tx.receiveRequest(ack), 'absorbed');
  assert.equal(tx.receiveRequest(invite), 'absorbed');
  clock.advance(4_999);
  assert.deepEqual(transport.timesOf('SIP/2.0 404'), [0, 500, 1500, 2000]);
  assert.equal(tx.state, 'confirmed');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['terminated']);
});

test('TCP: no Timer G, and the ACK ends the transaction at once (Timer I zero)', () => {
  const { clock, transport, tx, ack } = setup(true);
  tx.respond(response(603));
  clock.advance(10_000);
  assert.deepEqual(transport.timesOf('SIP/2.0 603'), [0]);
  tx.receiveRequest(ack);
  assert.equal(tx.state, 'terminated');
});

test('TCP: Timer H still runs when no ACK comes', () => {
  const { clock, reports, tx } = setup(true);
  tx.respond(response(486));
  clock.advance(32_000);
  assert.deepEqual(kinds(reports), ['timeout H', 'terminated']);
});

test('2xx: Accepted (RFC 6026) absorbs INVITEs, hands ACKs to the TU, sends the TU\'s 2xx retransmissions, ends on Timer L', () => {
  const { clock, transport, reports, tx, invite, ack } = setup(false);
  clock.advance(100);
  tx.respond(response(200, 'z9hG4bKinv1', 'INVITE', 'gw1'));
  assert.equal(tx.state, 'accepted');
  clock.advance(500);
  assert.equal(tx.receiveRequest(invite), 'absorbed');
  tx.respond(response(200, 'z9hG4bKinv1', 'INVITE', 'gw1'));
  assert.equal(tx.receiveRequest(ack), 'passed-to-tu');
  assert.deepEqual(transport.timesOf('SIP/2.0 200'), [100, 600], 'the transaction never retransmits 2xx itself (§13.3.1.4)');
  assert.deepEqual(transport.timesOf('SIP/2.0 100'), [], 'answered before 200 ms');
  assert.throws(() => tx.respond(response(486)), IllegalTransitionError);
  assert.throws(() => tx.respond(response(180)), IllegalTransitionError);
  clock.advance(32_000 - 500 - 1);
  assert.equal(tx.state, 'accepted');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['ack', 'terminated']);
  assert.throws(() => tx.respond(response(200)), IllegalTransitionError);
});

test('release() after the 2xx: the transaction still absorbs INVITEs until Timer L, reports nothing more, and keeps only the 2xx\'s To tag', () => {
  const { clock, transport, reports, tx, invite, ack } = setup(false);
  const last = () => tx.lastSentResponse!;
  tx.respond(response(180, 'z9hG4bKinv1', 'INVITE', 'gw1'));
  tx.release();
  assert.ok(last().bytes.length > 0, 'release() does nothing in Proceeding');
  tx.respond(response(200, 'z9hG4bKinv1', 'INVITE', 'gw1'));
  tx.release();
  assert.deepEqual({ statusCode: last().statusCode, bytes: last().bytes.length, toTag: last().toTag }, { statusCode: 200, bytes: 0, toTag: 'gw1' });
  clock.advance(1000);
  assert.equal(tx.receiveRequest(invite), 'absorbed');
  assert.equal(tx.receiveRequest(ack), 'passed-to-tu');
  clock.advance(31_000);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), [], 'neither the ACK nor the end is reported once released');
  assert.deepEqual(transport.timesOf('SIP/2.0 200'), [0]);
});

test('the TU may not respond once a 3xx–6xx was sent', () => {
  const { tx, ack } = setup(false);
  tx.respond(response(486));
  assert.throws(() => tx.respond(response(200)), IllegalTransitionError);
  tx.receiveRequest(ack);
  assert.throws(() => tx.respond(response(486)), IllegalTransitionError);
});

test('no-answer timeout: the 408 goes out as a final response with Timer G, then the TU is told', () => {
  const { clock, transport, reports, tx } = setup(false, { noAnswerTimeoutMs: 60_000 });
  tx.respond(response(180));
  clock.advance(60_000);
  assert.equal(tx.state, 'completed');
  assert.deepEqual(kinds(reports), ['no-answer']);
  assert.deepEqual(transport.timesOf('SIP/2.0 408'), [60_000]);
  clock.advance(500);
  assert.deepEqual(transport.timesOf('SIP/2.0 408'), [60_000, 60_500]);
  assert.equal(tx.lastSentResponse?.toTag, 'gw1');
});

test('no-answer timeout is cancelled by the TU\'s final response and is off by default', () => {
  const answered = setup(false, { noAnswerTimeoutMs: 5_000 });
  answered.tx.respond(response(200));
  answered.clock.advance(10_000);
  assert.deepEqual(answered.transport.timesOf('SIP/2.0 408'), []);
  const unset = setup(false);
  unset.clock.advance(600_000);
  assert.equal(unset.tx.state, 'proceeding');
  assert.deepEqual(unset.transport.timesOf('SIP/2.0 408'), []);
});

test('transport errors: end Proceeding and Completed, are only reported in Accepted (§17.2.4)', () => {
  const a = setup(false);
  a.transport.failSends = true;
  a.clock.advance(200);
  assert.equal(a.tx.state, 'terminated');
  assert.deepEqual(kinds(a.reports), ['transport-error', 'terminated']);
  assert.equal(a.clock.pending, 0);

  const b = setup(false);
  b.tx.respond(response(486));
  b.transport.failSends = true;
  b.clock.advance(500);
  assert.equal(b.tx.state, 'terminated');
  assert.deepEqual(kinds(b.reports), ['transport-error', 'terminated']);

  const c = setup(false);
  c.tx.respond(response(200));
  c.transport.failSends = true;
  c.tx.respond(response(200));
  assert.equal(c.tx.state, 'accepted');
  assert.deepEqual(kinds(c.reports), ['transport-error']);
  assert.equal(c.tx.receiveRequest(request({ method: 'BYE', branch: 'z9hG4bKinv1' })), 'not-this-transaction');
});
