import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionTable } from '../../../src/sip/transaction/transaction-table.js';
import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server-transaction.js';
import { NonInviteServerTransaction } from '../../../src/sip/transaction/non-invite-server-transaction.js';
import { InviteClientTransaction } from '../../../src/sip/transaction/invite-client-transaction.js';
import { NonInviteClientTransaction } from '../../../src/sip/transaction/non-invite-client-transaction.js';
import type { LegacyRequestIdentity, TransactionRequest } from '../../../src/sip/transaction/transaction-message.js';
import { FakeScheduler, RecordingTransport, ackFor, request, response, timers } from './transaction-fixtures.js';

type Client = InviteClientTransaction | NonInviteClientTransaction;
type Server = InviteServerTransaction | NonInviteServerTransaction;

function world() {
  const clock = new FakeScheduler();
  const transport = new RecordingTransport(false, clock);
  const table = new TransactionTable<Client, Server>();
  const base = { transport, timers: timers(), scheduler: clock, report: () => {} };
  const ist = (req: TransactionRequest) => new InviteServerTransaction({ ...base, request: req, buildTrying: () => response(100), buildNoAnswerResponse: () => response(408) });
  const nist = (req: TransactionRequest) => new NonInviteServerTransaction({ ...base, request: req });
  const ict = (req: TransactionRequest) => new InviteClientTransaction({ ...base, request: req, buildAck: ackFor });
  const nict = (req: TransactionRequest) => new NonInviteClientTransaction({ ...base, request: req });
  return { clock, table, ist, nist, ict, nict };
}

test('server: branch + sent-by + method; ACK finds the INVITE; CANCEL is its own transaction but finds its target', () => {
  const { table, ist, nist } = world();
  const invite = ist(request({ method: 'INVITE', branch: 'z9hG4bK74bf9' }));
  assert.equal(table.addServer(invite), 'added');
  assert.equal(table.addServer(ist(request({ method: 'INVITE', branch: 'z9hG4bK74bf9' }))), 'duplicate');
  assert.equal(table.findServer(request({ method: 'INVITE', branch: 'z9hG4bK74bf9' })), invite);
  assert.equal(table.findServer(request({ method: 'INVITE', branch: 'z9hG4bK74bf9', sentBy: 'PC33.Atlanta.COM:5060' })), invite, 'host compared case-insensitively');
  assert.equal(table.findServer(request({ method: 'ACK', branch: 'z9hG4bK74bf9', cseqMethod: 'ACK' })), invite);
  assert.equal(table.findServer(request({ method: 'INVITE', branch: 'z9hG4bK74bf9', sentBy: 'evil.example.com' })), undefined, 'same branch from another sender');
  assert.equal(table.findServer(request({ method: 'INVITE', branch: 'z9hG4bK74bfa' })), undefined);
  const cancelReq = request({ method: 'CANCEL', branch: 'z9hG4bK74bf9' });
  assert.equal(table.findServer(cancelReq), undefined, 'CANCEL does not match the INVITE transaction');
  assert.equal(table.findCancelTarget(cancelReq), invite);
  const cancel = nist(cancelReq);
  assert.equal(table.addServer(cancel), 'added');
  assert.equal(table.findServer(cancelReq), cancel);
  assert.equal(table.serverCount, 2);
});

test('server: a transaction leaves the table when it terminates', () => {
  const { table, nist } = world();
  const options = nist(request({ method: 'OPTIONS', branch: 'z9hG4bKo1' }));
  table.addServer(options);
  options.respond(response(200, 'z9hG4bKo1', 'OPTIONS'));
  assert.equal(table.serverCount, 1);
  options.transportError(new Error('gone'));
  assert.equal(table.serverCount, 0);
  assert.equal(table.findServer(request({ method: 'OPTIONS', branch: 'z9hG4bKo1' })), undefined);
});

const legacy = (over: Partial<LegacyRequestIdentity> = {}): LegacyRequestIdentity => ({
  requestUri: 'sip:bob@biloxi.com', callId: 'a84b4c76e66710', cseqNumber: 1, fromTag: '1928301774', toTag: undefined,
  topVia: 'SIP/2.0/UDP pc33.atlanta.com', ...over,
});

test('server, RFC 2543 (no magic cookie): Request-URI, From tag, Call-ID, CSeq, top Via and To tag', () => {
  const { table, ist } = world();
  const oldInvite = request({ method: 'INVITE', branch: undefined, legacy: legacy() });
  const tx = ist(oldInvite);
  assert.equal(table.addServer(tx), 'added');
  assert.equal(table.findServer(request({ method: 'INVITE', branch: '1', legacy: legacy() })), tx, 'a branch without the cookie is RFC 2543 too');
  assert.equal(table.findServer(request({ method: 'INVITE', branch: undefined, legacy: legacy({ cseqNumber: 2 }) })), undefined);
  assert.equal(table.findServer(request({ method: 'INVITE', branch: undefined, legacy: legacy({ callId: 'other' }) })), undefined);
  assert.equal(table.findServer(request({ method: 'INVITE', branch: undefined, legacy: legacy({ topVia: 'SIP/2.0/UDP other' }) })), undefined);
  // The ACK carries the To tag of the response the transaction sent.
  tx.respond(response(486, 'z9hG4bKx', 'INVITE', 'srv9'));
  assert.equal(table.findServer(request({ method: 'ACK', branch: undefined, cseqMethod: 'ACK', legacy: legacy({ toTag: 'srv9' }) })), tx);
  assert.equal(table.findServer(request({ method: 'ACK', branch: undefined, cseqMethod: 'ACK', legacy: legacy({ toTag: 'other' }) })), undefined);
  assert.equal(table.findServer(request({ method: 'INVITE', branch: undefined, legacy: legacy({ toTag: 'srv9' }) })), undefined, 'a non-ACK keeps the INVITE\'s (absent) To tag');
});

test('server: a request without the cookie and without its RFC 2543 identity is refused, not guessed', () => {
  const { table, nist } = world();
  assert.equal(table.addServer(nist(request({ method: 'OPTIONS', branch: undefined }))), 'no-legacy-identity');
  assert.equal(table.findServer(request({ method: 'OPTIONS', branch: 'abc' })), undefined);
  assert.equal(table.findServer(request({ method: 'OPTIONS', branch: 'z9hG4bK' })), undefined, 'the bare cookie is not a branch');
});

test('client: branch + CSeq method; the 200 to a CANCEL does not reach the INVITE; removal on termination', () => {
  const { table, ict, nict, clock } = world();
  const invite = ict(request({ method: 'INVITE', branch: 'z9hG4bKc1' }));
  const cancel = nict(request({ method: 'CANCEL', branch: 'z9hG4bKc1' }));
  assert.equal(table.addClient(invite), 'added');
  assert.equal(table.addClient(cancel), 'added');
  assert.equal(table.addClient(nict(request({ method: 'CANCEL', branch: 'z9hG4bKc1' }))), 'duplicate');
  assert.equal(table.addClient(nict(request({ method: 'OPTIONS', branch: undefined }))), 'no-branch');
  assert.equal(table.findClient(response(180, 'z9hG4bKc1', 'INVITE')), invite);
  assert.equal(table.findClient(response(200, 'z9hG4bKc1', 'CANCEL')), cancel);
  assert.equal(table.findClient(response(200, 'z9hG4bKc2', 'INVITE')), undefined);
  assert.equal(table.findClient({ statusCode: 200, bytes: new Uint8Array() }), undefined);
  invite.start();
  cancel.start();
  clock.advance(32_000);
  assert.equal(table.clientCount, 0, 'Timers B and F ended both');
});
