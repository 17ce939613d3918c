import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonInviteServerTransaction } from '../../../src/sip/transaction/non-invite-server-transaction.js';
import { IllegalTransitionError } from '../../../src/sip/transaction/transaction-error.js';
import type { ServerTransactionReport } from '../../../src/sip/transaction/transaction-report.js';
import { FakeScheduler, RecordingTransport, request, response, timers } from './transaction-fixtures.js';

function setup(reliable: boolean) {
  const clock = new FakeScheduler();
  const transport = new RecordingTransport(reliable, clock);
  const reports: ServerTransactionReport[] = [];
  const req = request({ method: 'OPTIONS', branch: 'z9hG4bKopts1' });
  const tx = new NonInviteServerTransaction({ request: req, transport, timers: timers(), scheduler: clock, report: (r) => reports.push(r) });
  return { clock, transport, reports, tx, req };
}

const opt = (code: number) => response(code, 'z9hG4bKopts1', 'OPTIONS');
const kinds = (reports: ServerTransactionReport[]) => reports.map((r) => r.kind);

test('retransmissions: absorbed in Trying, the last provisional in Proceeding, the final in Completed', () => {
  const { clock, transport, tx, req } = setup(false);
  assert.equal(tx.receiveRequest(req), 'absorbed');
  assert.equal(transport.sent.length, 0);
  assert.equal(tx.respond(opt(100)), 'sent');
  assert.equal(tx.state, 'proceeding');
  clock.advance(300);
  assert.equal(tx.receiveRequest(req), 'response-resent');
  assert.equal(tx.respond(opt(200)), 'sent');
  assert.equal(tx.state, 'completed');
  clock.advance(300);
  assert.equal(tx.receiveRequest(req), 'response-resent');
  assert.deepEqual(transport.sent.map((s) => `${s.at} ${s.text.split('\r\n')[0]}`), [
    '0 SIP/2.0 100 Trying', '300 SIP/2.0 100 Trying', '300 SIP/2.0 200 OK', '600 SIP/2.0 200 OK',
  ]);
  assert.equal(tx.receiveRequest(request({ method: 'ACK', branch: 'z9hG4bKopts1' })), 'not-this-transaction');
});

test('Timer J: 64·T1 on UDP, then terminated; further TU responses are discarded (§17.2.2)', () => {
  const { clock, transport, reports, tx, req } = setup(false);
  tx.respond(opt(200));
  assert.equal(tx.respond(opt(500)), 'discarded');
  assert.equal(tx.respond(opt(180)), 'discarded');
  assert.equal(transport.sent.length, 1);
  clock.advance(31_999);
  assert.equal(tx.state, 'completed');
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['terminated']);
  assert.equal(tx.receiveRequest(req), 'transaction-terminated');
  assert.throws(() => tx.respond(opt(200)), IllegalTransitionError);
});

test('TCP: Timer J is zero, the final response ends the transaction', () => {
  const { tx, reports } = setup(true);
  tx.respond(opt(200));
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['terminated']);
});

test('a transport error ends the transaction and tells the TU (§17.2.4); a bad status throws RangeError', () => {
  const { transport, reports, tx } = setup(false);
  assert.throws(() => tx.respond(opt(42)), RangeError);
  transport.failSends = true;
  assert.equal(tx.respond(opt(200)), 'transport-error');
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(kinds(reports), ['transport-error', 'terminated']);
});
