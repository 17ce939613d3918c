import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialogLayer, type UasNoAckReport } from '../../../src/sip/dialog/index.js';
import { IllegalTransitionError } from '../../../src/sip/transaction/transaction-error.js';
import { FakeScheduler, headerLines, LOCAL, requestFixture, SendLog, withHeaders } from './dialog-fixtures.js';

const invite = requestFixture('dialog-uas-1-invite-via-proxies.sip');

function setup(t1Ms = 500, t2Ms = 4000) {
  const clock = new FakeScheduler();
  const log = new SendLog(clock);
  const reports: UasNoAckReport[] = [];
  const layer = new DialogLayer({ local: LOCAL, send: log.send, scheduler: clock, t1Ms, t2Ms, report: (r) => reports.push(r) });
  const uas = layer.receiveInvite(invite);
  return { clock, log, layer, uas, reports };
}

/** A request from the caller inside the dialog: its From tag, our To tag. */
function fromCaller(method: string, seq: number, localTag: string) {
  const request = withHeaders(invite, { CSeq: `${seq} ${method}`, To: `<sip:1001@sip.example.net>;tag=${localTag}`, Via: 'SIP/2.0/UDP core.example.net;branch=z9hG4bKnew' + seq + method });
  request.method = method;
  return request;
}

test('2xx retransmission (§13.3.1.4): T1, doubling, capped at T2, then BYE at 64·T1 without ACK', () => {
  const { clock, log, uas, reports } = setup();
  const accepted = uas.respond(200, 'OK');
  assert.equal(accepted.kind, 'accepted');
  clock.advance(40_000);
  const times = log.of('SIP/2.0 200').map((s) => s.at);
  assert.deepEqual(times, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  const byes = log.of('BYE ');
  assert.equal(byes.length, 1);
  assert.equal(byes[0]!.at, 32_000);
  assert.equal(byes[0]!.text.split('\r\n')[0], 'BYE sip:alice@198.51.100.40:5060 SIP/2.0');
  assert.ok(headerLines(byes[0]!.text).includes(`From: <sip:1001@sip.example.net>;tag=${uas.localTag}`));
  assert.equal(uas.state, 'ack-timed-out');
  assert.equal(uas.dialog?.state, 'terminated');
  assert.equal(reports.length, 1);
  assert.equal(clock.pending, 0);
});

test('every retransmitted 2xx is the same message as the first', () => {
  const { clock, log, uas } = setup();
  uas.respond(200, 'OK', { contentType: 'application/sdp', body: 'v=0\r\n' });
  clock.advance(4000);
  const texts = log.of('SIP/2.0 200').map((s) => s.text);
  assert.equal(texts.length, 4);
  assert.equal(new Set(texts).size, 1);
  assert.ok(headerLines(texts[0]!).includes(`To: <sip:1001@sip.example.net>;tag=${uas.localTag}`));
  assert.ok(headerLines(texts[0]!).includes('Contact: <sip:1001@192.0.2.10:5060>'));
  assert.deepEqual(log.sent.map((s) => s.target), [{ kind: 'response' }, { kind: 'response' }, { kind: 'response' }, { kind: 'response' }]);
});

test('the ACK stops retransmission; no BYE follows', () => {
  const { clock, log, layer, uas } = setup();
  uas.respond(200, 'OK');
  clock.advance(1600);
  const ack = withHeaders(fromCaller('ACK', 7, uas.localTag), {});
  const verdict = layer.receiveRequest(ack);
  assert.equal(verdict.kind, 'ack');
  clock.advance(60_000);
  assert.deepEqual(log.of('SIP/2.0 200').map((s) => s.at), [0, 500, 1500]);
  assert.equal(log.of('BYE ').length, 0);
  assert.equal(uas.state, 'confirmed');
  assert.equal(uas.dialog?.state, 'confirmed');
  assert.equal(clock.pending, 0);
  // A retransmitted ACK changes nothing.
  assert.equal(layer.receiveRequest(ack).kind, 'ack');
});

test('a short T2 caps the interval sooner', () => {
  const { clock, log, uas } = setup(100, 400);
  uas.respond(200, 'OK');
  clock.advance(1500);
  assert.deepEqual(log.of('SIP/2.0 200').map((s) => s.at), [0, 100, 300, 700, 1100, 1500]);
});

test('1xx makes an early dialog with the same To tag the 2xx later uses; reject ends it', () => {
  const { layer, uas } = setup();
  const trying = uas.respond(100, 'Trying');
  assert.ok(trying.kind === 'provisional' && trying.dialog === undefined);
  assert.ok(!trying.response.to?.tag, '100 carries no To tag');
  const ringing = uas.respond(180, 'Ringing');
  assert.ok(ringing.kind === 'provisional');
  assert.equal(ringing.dialog?.state, 'early');
  assert.equal(ringing.response.to?.tag, uas.localTag);
  assert.equal(layer.table.size, 1);
  const busy = uas.respond(486, 'Busy Here');
  assert.equal(busy.kind, 'rejected');
  assert.equal(ringing.dialog?.state, 'terminated');
  assert.equal(layer.table.size, 0);
  assert.throws(() => uas.respond(200, 'OK'), IllegalTransitionError, 'a second final response is a TU bug');
});

test('early then 2xx: the same dialog is confirmed', () => {
  const { uas } = setup();
  const ringing = uas.respond(180, 'Ringing');
  const ok = uas.respond(200, 'OK');
  assert.ok(ringing.kind === 'provisional' && ok.kind === 'accepted');
  assert.equal(ok.dialog, ringing.dialog);
  assert.equal(ok.dialog.state, 'confirmed');
});

test('an INVITE without Contact cannot make a dialog: verdict, nothing sent', () => {
  const clock = new FakeScheduler();
  const log = new SendLog(clock);
  const layer = new DialogLayer({ local: LOCAL, send: log.send, scheduler: clock, t1Ms: 500, t2Ms: 4000 });
  const noContact = invite.clone();
  noContact.headers.remove('contact');
  const uas = layer.receiveInvite(noContact);
  assert.deepEqual(uas.respond(200, 'OK'), { kind: 'invalid', reason: 'missing-contact' });
  assert.equal(log.sent.length, 0);
  assert.equal(uas.state, 'proceeding');
});

test('BYE from the caller ends the dialog with 200 and stops a running retransmission', () => {
  const { clock, log, layer, uas } = setup();
  uas.respond(200, 'OK');
  const verdict = layer.receiveRequest(fromCaller('BYE', 8, uas.localTag));
  assert.equal(verdict.kind, 'bye');
  assert.ok(verdict.kind === 'bye');
  assert.equal(verdict.response.statusCode, 200);
  assert.equal(uas.dialog?.state, 'terminated');
  clock.advance(60_000);
  assert.equal(log.of('SIP/2.0 200').length, 1);
  assert.equal(log.of('BYE ').length, 0);
  // The dialog is gone: a BYE retransmitted past its transaction gets 481.
  const again = layer.receiveRequest(fromCaller('BYE', 8, uas.localTag));
  assert.ok(again.kind === 'respond' && again.response.statusCode === 481);
});

test('in-dialog CSeq going backwards → 500; unknown dialog → 481; stray ACK discarded; no To tag → out of dialog', () => {
  const { layer, uas } = setup();
  uas.respond(200, 'OK');
  layer.receiveRequest(fromCaller('ACK', 7, uas.localTag));
  const info = layer.receiveRequest(fromCaller('INFO', 9, uas.localTag));
  assert.deepEqual(info.kind, 'in-dialog');
  const backwards = layer.receiveRequest(fromCaller('INFO', 8, uas.localTag));
  assert.ok(backwards.kind === 'respond');
  assert.equal(backwards.response.statusCode, 500);
  assert.equal(backwards.response.headers.get('cseq'), '8 INFO');
  const unknown = layer.receiveRequest(fromCaller('INFO', 10, 'not-ours'));
  assert.ok(unknown.kind === 'respond');
  assert.equal(unknown.response.statusCode, 481);
  assert.equal(unknown.response.reasonPhrase, 'Call/Transaction Does Not Exist');
  assert.equal(layer.receiveRequest(fromCaller('ACK', 10, 'not-ours')).kind, 'discard');
  assert.equal(layer.receiveRequest(invite).kind, 'out-of-dialog');
});

test('a re-INVITE from the peer refreshes the remote target; the next BYE goes there', () => {
  const { layer, uas, log } = setup();
  uas.respond(200, 'OK');
  layer.receiveRequest(fromCaller('ACK', 7, uas.localTag));
  const reinvite = withHeaders(fromCaller('INVITE', 8, uas.localTag), { Contact: '<sip:alice@198.51.100.41:5070>' });
  const verdict = layer.receiveRequest(reinvite);
  assert.deepEqual(verdict.kind === 'in-dialog' && verdict.targetRefreshed, true);
  layer.sendBye(uas.dialog!);
  assert.equal(log.of('BYE ')[0]!.text.split('\r\n')[0], 'BYE sip:alice@198.51.100.41:5070 SIP/2.0');
});

test('§12.1.1: 1xx and 2xx copy the INVITE\'s Record-Route fields in order; a failure does not', () => {
  const { log, uas } = setup();
  uas.respond(180, 'Ringing');
  uas.respond(200, 'OK');
  for (const prefix of ['SIP/2.0 180', 'SIP/2.0 200']) {
    const lines = headerLines(log.of(prefix)[0]!.text).filter((l) => l.startsWith('Record-Route:'));
    assert.deepEqual(lines, ['Record-Route: <sip:core.example.net;lr>', 'Record-Route: <sip:edge.example.net;lr>'], prefix);
  }
  const other = setup();
  other.uas.respond(486, 'Busy Here');
  assert.equal(headerLines(other.log.of('SIP/2.0 486')[0]!.text).filter((l) => l.startsWith('Record-Route:')).length, 0);
});
