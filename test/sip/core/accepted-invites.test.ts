import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcceptedInvites } from '../../../src/sip/core/accepted-invites.js';
import { BUCKET_MS } from '../../../src/sip/core/lingering-map.js';
import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server-transaction.js';
import type { ServerTransactionReport } from '../../../src/sip/transaction/transaction-report.js';
import { FakeScheduler, RecordingTransport, request, response, timers } from '../transaction/transaction-fixtures.js';

function accepted(clock: FakeScheduler, branch: string, legacy = false) {
  const reports: ServerTransactionReport[] = [];
  const invite = legacy
    ? request({ method: 'INVITE', legacy: { requestUri: 'sip:bob@biloxi.com', fromTag: '1928301774', callId: 'a84b', cseqNumber: 1, topVia: 'SIP/2.0/UDP pc33.atlanta.com', toTag: undefined } })
    : request({ method: 'INVITE', branch });
  const tx = new InviteServerTransaction({
    request: invite,
    transport: new RecordingTransport(false, clock),
    timers: timers(),
    scheduler: clock,
    buildTrying: () => response(100, branch),
    buildNoAnswerResponse: () => response(408, branch, 'INVITE', 'gw1'),
    report: (r) => reports.push(r),
  });
  tx.start();
  tx.respond(response(200, branch, 'INVITE', `tag-${branch}`));
  let ended = 0;
  tx.addTerminationListener(() => ended++);
  return { tx, invite, reports, ended: () => ended };
}

test('an acknowledged INVITE leaves its transaction for the store: the transaction ends silently, the store absorbs its retransmissions and answers a CANCEL with the To tag until Timer L', () => {
  const clock = new FakeScheduler();
  const store = new AcceptedInvites(clock, () => 32_000);
  const a = accepted(clock, 'z9hG4bKacc1');
  store.finish(a.tx);
  assert.equal(a.tx.state, 'terminated');
  assert.equal(a.ended(), 1, 'the transaction table hears of its end and lets it go');
  assert.deepEqual(a.reports, [], 'the TU, done with it, hears nothing');
  assert.equal(a.tx.lastSentResponse, undefined, 'it keeps nothing of its 2xx');
  assert.equal(store.size, 1);

  assert.equal(store.absorbs(a.invite), true, 'a retransmitted INVITE (RFC 6026 §8.7)');
  assert.equal(store.absorbs(request({ method: 'INVITE', branch: 'z9hG4bKother' })), false);
  assert.equal(store.absorbs(request({ method: 'OPTIONS', branch: 'z9hG4bKacc1' })), false, 'only the INVITE itself');
  assert.equal(store.cancelled(request({ method: 'CANCEL', branch: 'z9hG4bKacc1' }), undefined), 'tag-z9hG4bKacc1', 'a CANCEL gets 200 with the 2xx To tag (§9.2)');
  assert.equal(store.cancelled(request({ method: 'CANCEL', branch: 'z9hG4bKacc1', sentBy: 'elsewhere.example:5060' }), undefined), undefined, 'matching includes the sent-by');

  clock.advance(32_000);
  assert.equal(store.absorbs(a.invite), true, 'kept for at least 64·T1');
  clock.advance(BUCKET_MS);
  assert.equal(store.absorbs(a.invite), false, 'then forgotten');
  assert.equal(store.size, 0);
});

test('a CANCEL of an INVITE that kept its own wait gets the tag from the transaction', () => {
  const clock = new FakeScheduler();
  const store = new AcceptedInvites(clock, () => 32_000);
  const a = accepted(clock, 'z9hG4bKacc2');
  assert.equal(store.cancelled(request({ method: 'CANCEL', branch: 'z9hG4bKacc2' }), a.tx), 'tag-z9hG4bKacc2');
});

test('an RFC 2543 INVITE (no magic cookie) keeps its wait in the transaction, released of everything but its To tag', () => {
  const clock = new FakeScheduler();
  const store = new AcceptedInvites(clock, () => 32_000);
  const a = accepted(clock, 'old', true);
  store.finish(a.tx);
  assert.equal(store.size, 0);
  assert.equal(a.tx.state, 'accepted');
  assert.equal(a.tx.lastSentResponse?.bytes.length, 0);
  assert.equal(a.tx.lastSentResponse?.toTag, 'tag-old');
  clock.advance(32_000);
  assert.equal(a.tx.state, 'terminated');
  assert.deepEqual(a.reports, []);
});

test('a closed store takes nothing: the transaction keeps its wait', () => {
  const clock = new FakeScheduler();
  const store = new AcceptedInvites(clock, () => 32_000);
  store.close();
  const a = accepted(clock, 'z9hG4bKacc3');
  store.finish(a.tx);
  assert.equal(a.tx.state, 'accepted');
  assert.equal(store.absorbs(a.invite), false);
});
