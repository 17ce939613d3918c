import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InviteClientTransaction } from '../../../src/sip/transaction/invite-client-transaction.js';
import type { ClientTransactionReport } from '../../../src/sip/transaction/transaction-report.js';
import type { TransactionTimerOptions } from '../../../src/sip/transaction/transaction-timer-options.js';
import { FakeScheduler, RecordingTransport, ackFor, request, response, timers } from './transaction-fixtures.js';

function setup(reliable: boolean, options: TransactionTimerOptions = {}) {
  const clock = new FakeScheduler();
  const transport = new RecordingTransport(reliable, clock);
  const reports: ClientTransactionReport[] = [];
  let acksBuilt = 0;
  const tx = new InviteClientTransaction({
    request: request({ method: 'INVITE', branch: 'z9hG4bK776asdhds' }),
    transport,
    timers: timers(options),
    scheduler: clock,
    buildAck: (res) => {
      acksBuilt++;
      return ackFor(res);
    },
    report: (r) => reports.push(r),
  });
  let terminatedListener = 0;
  tx.addTerminationListener(() => terminatedListener++);
  tx.start();
  return { clock, transport, reports, tx, acksBuilt: () => acksBuilt, terminatedListener: () => terminatedListener };
}

const kinds = (reports: ClientTransactionReport[]) => reports.map((r) => (r.kind === 'response' ? `response ${r.response.statusCode}` : r.kind === 'timeout' ? `timeout ${r.timer}` : r.kind));

test('UDP: Timer A retransmits at 0.5, 1, 2, 4, 8, 16 s intervals until Timer B ends it at 32 s', () => {
  const { clock, transport, reports, tx, terminatedListener } = setup(false);
  clock.advance(31_999);
  assert.deepEqual(transport.timesOf('INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(tx.state, 'calling');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['timeout B', 'terminated']);
  assert.equal(terminatedListener(), 1);
  assert.equal(clock.pending, 0, 'no timer left behind');
});

test('the manual ICT timeout sets Timer B, and T1 scales Timer A', () => {
  const { clock, transport, tx } = setup(false, { t1Ms: 200, inviteClientTimeoutMs: 5000 });
  clock.advance(5000);
  assert.deepEqual(transport.timesOf('INVITE'), [0, 200, 600, 1400, 3000]);
  assert.equal(tx.state, 'terminated');
});

test('TCP: no retransmission, Timer B still 64·T1', () => {
  const { clock, transport, reports, tx } = setup(true);
  clock.advance(31_999);
  assert.deepEqual(transport.timesOf('INVITE'), [0]);
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['timeout B', 'terminated']);
});

test('a provisional response stops retransmissions and Timer B; provisionals reach the TU', () => {
  const { clock, transport, reports, tx } = setup(false);
  clock.advance(600);
  assert.equal(tx.receiveResponse(response(100)), 'passed-to-tu');
  assert.equal(tx.state, 'proceeding');
  assert.equal(tx.receiveResponse(response(180)), 'passed-to-tu');
  clock.advance(120_000);
  assert.deepEqual(transport.timesOf('INVITE'), [0, 500]);
  assert.equal(tx.state, 'proceeding', 'no timer ends Proceeding: the TU cancels (§9.1)');
  assert.deepEqual(kinds(reports), ['response 100', 'response 180']);
});

test('3xx–6xx: the transaction builds and sends the ACK once, resends it for retransmissions, Timer D 32 s on UDP', () => {
  const { clock, transport, reports, tx, acksBuilt } = setup(false);
  tx.receiveResponse(response(180));
  clock.advance(1000);
  assert.equal(tx.receiveResponse(response(486)), 'passed-to-tu');
  assert.equal(tx.state, 'completed');
  assert.deepEqual(transport.timesOf('ACK'), [1000]);
  assert.match(transport.sent.at(-1)!.text, /^ACK sip:bob@biloxi.com SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP pc33\.atlanta\.com;branch=z9hG4bK776asdhds\r\n/);
  clock.advance(5000);
  assert.equal(tx.receiveResponse(response(486)), 'absorbed');
  assert.equal(tx.receiveResponse(response(180)), 'absorbed');
  assert.equal(tx.receiveResponse(response(200)), 'absorbed');
  assert.deepEqual(transport.timesOf('ACK'), [1000, 6000]);
  assert.equal(acksBuilt(), 1);
  assert.deepEqual(kinds(reports), ['response 180', 'response 486']);
  clock.advance(31_999 - 5000);
  assert.equal(tx.state, 'completed');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['response 180', 'response 486', 'terminated']);
  assert.equal(tx.receiveResponse(response(486)), 'transaction-terminated');
});

test('3xx–6xx on TCP: ACK sent and Timer D is zero, so the transaction ends at once', () => {
  const { transport, reports, tx } = setup(true);
  tx.receiveResponse(response(503));
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(transport.timesOf('ACK'), [0]);
  assert.deepEqual(kinds(reports), ['response 503', 'terminated']);
});

test('2xx goes to the TU, is never ACKed here, and every 2xx until Timer M (64·T1) reaches the TU (RFC 6026)', () => {
  const { clock, transport, reports, tx } = setup(false);
  clock.advance(700);
  assert.equal(tx.receiveResponse(response(200, undefined, undefined, 'a')), 'passed-to-tu');
  assert.equal(tx.state, 'accepted');
  clock.advance(5000);
  assert.equal(tx.receiveResponse(response(200, undefined, undefined, 'a')), 'passed-to-tu');
  assert.equal(tx.receiveResponse(response(200, undefined, undefined, 'b')), 'passed-to-tu', 'a forked answer');
  assert.equal(tx.receiveResponse(response(486)), 'absorbed');
  assert.equal(tx.receiveResponse(response(183)), 'absorbed');
  assert.deepEqual(transport.timesOf('ACK'), [], 'the dialog ACKs 2xx (§13.2.2.4)');
  assert.deepEqual(transport.timesOf('INVITE'), [0, 500], 'retransmissions stopped');
  tx.transportError(new Error('late ICMP'));
  assert.equal(tx.state, 'accepted', 'Accepted sends nothing; a late error does not end it');
  clock.advance(32_000 - 5000 - 1);
  assert.equal(tx.state, 'accepted');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['response 200', 'response 200', 'response 200', 'transport-error', 'terminated']);
});

test('a transport error on send ends the transaction and tells the TU (§17.1.4)', () => {
  const { clock, transport, reports, tx } = setup(false);
  transport.failSends = true;
  clock.advance(500);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['transport-error', 'terminated']);
  assert.equal(clock.pending, 0);
});

test('a transport error while sending the ACK ends the transaction after the TU saw the response', () => {
  const { transport, reports, tx } = setup(false);
  transport.failSends = true;
  assert.equal(tx.receiveResponse(response(404)), 'passed-to-tu');
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['response 404', 'transport-error', 'terminated']);
});

test('a later transport error in Calling ends it; start twice is refused; a non-status is rejected', () => {
  const { reports, tx } = setup(false);
  assert.equal(tx.receiveResponse(response(99)), 'not-a-status');
  assert.equal(tx.receiveResponse(response(700)), 'not-a-status');
  assert.throws(() => tx.start());
  tx.transportError(new Error('connection reset'));
  assert.equal(tx.state, 'terminated');
  tx.transportError(new Error('again'));
  assert.deepEqual(kinds(reports), ['transport-error', 'terminated']);
  let late = 0;
  tx.addTerminationListener(() => late++);
  assert.equal(late, 1, 'a listener added after termination is told at once');
});
