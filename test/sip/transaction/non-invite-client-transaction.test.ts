import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonInviteClientTransaction } from '../../../src/sip/transaction/non-invite-client-transaction.js';
import type { ClientTransactionReport } from '../../../src/sip/transaction/transaction-report.js';
import type { TransactionTimerOptions } from '../../../src/sip/transaction/transaction-timer-options.js';
import { FakeScheduler, RecordingTransport, request, response, timers } from './transaction-fixtures.js';

function setup(reliable: boolean, options: TransactionTimerOptions = {}) {
  const clock = new FakeScheduler();
  const transport = new RecordingTransport(reliable, clock);
  const reports: ClientTransactionReport[] = [];
  const tx = new NonInviteClientTransaction({
    request: request({ method: 'REGISTER', branch: 'z9hG4bKnashds7' }),
    transport,
    timers: timers(options),
    scheduler: clock,
    report: (r) => reports.push(r),
  });
  tx.start();
  return { clock, transport, reports, tx };
}

const kinds = (reports: ClientTransactionReport[]) => reports.map((r) => (r.kind === 'response' ? `response ${r.response.statusCode}` : r.kind === 'timeout' ? `timeout ${r.timer}` : r.kind));
const reg = (code: number) => response(code, 'z9hG4bKnashds7', 'REGISTER');

test('UDP: Timer E doubles from T1 up to T2 (4 s) and Timer F ends it at 64·T1', () => {
  const { clock, transport, reports, tx } = setup(false);
  clock.advance(31_999);
  assert.deepEqual(transport.timesOf('REGISTER'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['timeout F', 'terminated']);
  assert.equal(clock.pending, 0);
});

test('in Proceeding Timer E fires every T2', () => {
  const { clock, transport, tx } = setup(false);
  clock.advance(600);
  assert.equal(tx.receiveResponse(reg(100)), 'passed-to-tu');
  assert.equal(tx.state, 'proceeding');
  clock.advance(14_000);
  // The timer running at 1xx (due 1.5 s) fires, then every 4 s.
  assert.deepEqual(transport.timesOf('REGISTER'), [0, 500, 1500, 5500, 9500, 13500]);
});

test('the manual NICT timeout sets Timer F', () => {
  const { clock, tx, reports } = setup(false, { nonInviteClientTimeoutMs: 10_000 });
  clock.advance(9_999);
  assert.equal(tx.state, 'trying');
  clock.advance(1);
  assert.deepEqual(kinds(reports), ['timeout F', 'terminated']);
});

test('TCP: no retransmission; a final response ends it at once (Timer K zero)', () => {
  const { clock, transport, reports, tx } = setup(true);
  clock.advance(10_000);
  assert.deepEqual(transport.timesOf('REGISTER'), [0]);
  assert.equal(tx.receiveResponse(reg(200)), 'passed-to-tu');
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['response 200', 'terminated']);
});

test('a final response on UDP: Completed absorbs retransmissions for T4, then terminates', () => {
  const { clock, transport, reports, tx } = setup(false);
  clock.advance(700);
  assert.equal(tx.receiveResponse(reg(401)), 'passed-to-tu');
  assert.equal(tx.state, 'completed');
  assert.equal(tx.receiveResponse(reg(401)), 'absorbed');
  assert.equal(tx.receiveResponse(reg(100)), 'absorbed');
  clock.advance(4_999);
  assert.equal(tx.state, 'completed');
  assert.deepEqual(transport.timesOf('REGISTER'), [0, 500], 'retransmissions stopped');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['response 401', 'terminated']);
  assert.equal(tx.receiveResponse(reg(401)), 'transaction-terminated');
});

test('a transport error on a retransmission ends the transaction (§17.1.4)', () => {
  const { clock, transport, reports, tx } = setup(false);
  transport.failSends = true;
  clock.advance(500);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['transport-error', 'terminated']);
  assert.equal(clock.pending, 0);
});

test('a transport error reported later ends Completed too', () => {
  const { reports, tx } = setup(false);
  tx.receiveResponse(reg(200));
  tx.transportError(new Error('reset'));
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['response 200', 'transport-error', 'terminated']);
});
