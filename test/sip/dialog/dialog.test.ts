import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog, DialogTable, routeInDialogRequest, type DialogCreateVerdict } from '../../../src/sip/dialog/index.js';
import { createResponse, parseSipMessage, serializeSipMessage } from '../../../src/sip/message/index.js';
import { headerLines, LOCAL, requestFixture, responseFixture, withHeaders } from './dialog-fixtures.js';

function made(verdict: DialogCreateVerdict): Dialog {
  if (!verdict.ok) throw new Error(verdict.reason);
  return verdict.dialog;
}

const uacInvite = requestFixture('dialog-uac-1-invite.sip');
const uacOk = responseFixture('dialog-uac-3-200-fork-a.sip');
const uasInvite = requestFixture('dialog-uas-1-invite-via-proxies.sip');

test('UAC side: route set is the Record-Route reversed, id from From tag and To tag, remote target from Contact', () => {
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  assert.equal(dialog.state, 'confirmed');
  assert.deepEqual(dialog.id, { callId: '7d2e5c1a9b3f4e60@192.0.2.10', localTag: 'c3f1a9e2', remoteTag: 'forkA77' });
  assert.deepEqual(dialog.routeSet, ['<sip:edge.example.net;lr>', '<sip:core.example.net;lr>']);
  assert.equal(dialog.remoteTarget, 'sip:phone-a@203.0.113.21:5062;transport=udp');
  assert.equal(dialog.localSeq, 41);
  assert.equal(dialog.remoteSeq, undefined);
  assert.equal(dialog.secure, false);
});

test('UAS side: route set is the Record-Route in order, local CSeq empty, remote CSeq from the INVITE', () => {
  const ok = createResponse(uasInvite, 200, 'OK', { version: '0.1.0', toTag: 'gw55' });
  const dialog = made(Dialog.asUas(uasInvite, ok, LOCAL));
  assert.deepEqual(dialog.id, { callId: '0f9e8d7c6b5a@198.51.100.40', localTag: 'gw55', remoteTag: 'a1b2c3d4' });
  assert.deepEqual(dialog.routeSet, ['<sip:core.example.net;lr>', '<sip:edge.example.net;lr>']);
  assert.equal(dialog.remoteTarget, 'sip:alice@198.51.100.40:5060');
  assert.equal(dialog.localSeq, undefined);
  assert.equal(dialog.remoteSeq, 7);
});

test('a comma list and repeated Record-Route fields give the same route set', () => {
  const commaList = responseFixture('dialog-uac-4-200-fork-b.sip');
  assert.deepEqual(made(Dialog.asUac(uacInvite, commaList, LOCAL)).routeSet, made(Dialog.asUac(uacInvite, uacOk, LOCAL)).routeSet);
});

test('UAC in-dialog request, byte level: Request-URI = remote target, Route = route set, CSeq + 1, tags kept', () => {
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  const { request, routing } = dialog.createRequest('BYE');
  const text = serializeSipMessage(request).toString('utf8');
  assert.equal(text.split('\r\n')[0], 'BYE sip:phone-a@203.0.113.21:5062;transport=udp SIP/2.0');
  const lines = headerLines(text);
  assert.deepEqual(lines.filter((l) => l.startsWith('Route:')), ['Route: <sip:edge.example.net;lr>', 'Route: <sip:core.example.net;lr>']);
  assert.ok(lines.includes('CSeq: 42 BYE'));
  assert.ok(lines.includes('From: "Line 1" <sip:1001@sip.example.net>;tag=c3f1a9e2'));
  assert.ok(lines.includes('To: <sip:+4930123456@sip.example.net>;tag=forkA77'));
  assert.ok(lines.includes('Call-ID: 7d2e5c1a9b3f4e60@192.0.2.10'));
  assert.match(lines.find((l) => l.startsWith('Via:'))!, /^Via: SIP\/2\.0\/UDP 192\.0\.2\.10:5060;branch=z9hG4bK[0-9a-f]+;rport$/);
  assert.ok(!lines.some((l) => l.startsWith('Contact:')), 'BYE is no target refresh: no Contact');
  assert.equal(routing.nextHop, 'sip:edge.example.net;lr');
  // What we build parses back as a valid request.
  assert.ok(parseSipMessage(serializeSipMessage(request)).ok);
  assert.ok(headerLines(serializeSipMessage(dialog.createRequest('INFO').request).toString()).includes('CSeq: 43 INFO'));
});

test('re-INVITE carries our Contact; every request gets a new branch', () => {
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  const a = dialog.createRequest('INVITE', { contentType: 'application/sdp', body: 'v=0\r\n' }).request;
  const b = dialog.createRequest('UPDATE').request;
  assert.equal(a.headers.get('contact'), LOCAL.contact);
  assert.equal(b.headers.get('contact'), LOCAL.contact);
  assert.notEqual(a.topVia?.branch, b.topVia?.branch);
  assert.equal(a.cseq?.seq, 42);
  assert.equal(b.cseq?.seq, 43);
});

test('UAS in-dialog request: first local CSeq is picked, then counts up; To is the peer, From is us', () => {
  const ok = createResponse(uasInvite, 200, 'OK', { version: '0.1.0', toTag: 'gw55' });
  const dialog = made(Dialog.asUas(uasInvite, ok, LOCAL));
  const first = dialog.createRequest('BYE').request;
  const text = serializeSipMessage(first).toString();
  assert.equal(text.split('\r\n')[0], 'BYE sip:alice@198.51.100.40:5060 SIP/2.0');
  const lines = headerLines(text);
  assert.ok(lines.includes('From: <sip:1001@sip.example.net>;tag=gw55'));
  assert.ok(lines.includes('To: "Alice" <sip:+4917700000@carrier.example.org>;tag=a1b2c3d4'));
  assert.deepEqual(lines.filter((l) => l.startsWith('Route:')), ['Route: <sip:core.example.net;lr>', 'Route: <sip:edge.example.net;lr>']);
  const seq = first.cseq!.seq;
  assert.ok(seq >= 1 && seq < 2 ** 31);
  assert.equal(dialog.createRequest('INFO').request.cseq!.seq, seq + 1);
});

test('ACK for 2xx takes the INVITE CSeq number; ACK and CANCEL cannot be built as new requests', () => {
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  const ack = dialog.createAck(41).request;
  assert.equal(ack.headers.get('cseq'), '41 ACK');
  assert.equal(ack.uri, 'sip:phone-a@203.0.113.21:5062;transport=udp');
  assert.equal(dialog.localSeq, 41, 'the ACK does not use up a CSeq number');
  assert.throws(() => dialog.createRequest('ACK'), RangeError);
  assert.throws(() => dialog.createRequest('CANCEL'), RangeError);
});

test('strict routing (§12.2.1.1): Request-URI = first route (method param and headers stripped), remote target appended to Route', () => {
  const routing = routeInDialogRequest('sip:bob@192.0.2.4', ['<sip:old-proxy.example.com;method=INVITE?x=y>', '<sip:p2.example.com;lr>']);
  assert.deepEqual(routing, {
    requestUri: 'sip:old-proxy.example.com',
    routes: ['<sip:p2.example.com;lr>', '<sip:bob@192.0.2.4>'],
    nextHop: 'sip:old-proxy.example.com',
    strict: true,
  });
  assert.deepEqual(routeInDialogRequest('sip:bob@192.0.2.4', []), { requestUri: 'sip:bob@192.0.2.4', routes: [], nextHop: 'sip:bob@192.0.2.4', strict: false });
});

test('strict router in a real dialog: the built BYE goes to it with the remote target last', () => {
  const strict = withHeaders(uacOk, { 'Record-Route': '<sip:core.example.net;lr>, <sip:legacy.example.net>' });
  const dialog = made(Dialog.asUac(uacInvite, strict, LOCAL));
  const bye = dialog.createRequest('BYE').request;
  assert.equal(bye.uri, 'sip:legacy.example.net');
  assert.deepEqual(bye.headers.getAll('route'), ['<sip:core.example.net;lr>', '<sip:phone-a@203.0.113.21:5062;transport=udp>']);
});

test('§12.2.2: a CSeq below the remote sequence number gets 500; equal or higher passes and is remembered', () => {
  const ok = createResponse(uasInvite, 200, 'OK', { version: '0.1.0', toTag: 'gw55' });
  const dialog = made(Dialog.asUas(uasInvite, ok, LOCAL));
  const inDialog = (method: string, seq: number) => withHeaders(uasInvite, { CSeq: `${seq} ${method}`, To: '<sip:1001@sip.example.net>;tag=gw55' });
  assert.deepEqual(dialog.checkRemoteSeq(inDialog('ACK', 7)), { ok: true });
  assert.deepEqual(dialog.checkRemoteSeq(inDialog('INFO', 8)), { ok: true });
  assert.equal(dialog.remoteSeq, 8);
  const backwards = dialog.checkRemoteSeq(inDialog('INFO', 6));
  assert.deepEqual(backwards, { ok: false, statusCode: 500, reasonPhrase: 'CSeq Out Of Order' });
  assert.equal(dialog.remoteSeq, 8);
});

test('UAC with an empty remote CSeq takes the first in-dialog request number', () => {
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  const bye = withHeaders(uasInvite, { CSeq: '9000 BYE' });
  assert.deepEqual(dialog.checkRemoteSeq(bye), { ok: true });
  assert.equal(dialog.remoteSeq, 9000);
});

test('target refresh replaces the remote target, not the route set', () => {
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  const routes = dialog.routeSet;
  assert.equal(dialog.refreshTarget(withHeaders(uasInvite, { Contact: '<sip:moved@203.0.113.99>' })), true);
  assert.equal(dialog.remoteTarget, 'sip:moved@203.0.113.99');
  assert.equal(dialog.routeSet, routes);
  assert.equal(dialog.createRequest('BYE').request.uri, 'sip:moved@203.0.113.99');
  const noContact = uasInvite.clone();
  noContact.headers.remove('contact');
  assert.equal(dialog.refreshTarget(noContact), false);
  assert.equal(dialog.remoteTarget, 'sip:moved@203.0.113.99');
});

test('an early UAC dialog is confirmed by the 2xx, whose Record-Route and Contact replace the 1xx ones', () => {
  const ringing = withHeaders(responseFixture('dialog-uac-2-180-fork-a.sip'), { 'Record-Route': '<sip:only-on-1xx.example.net;lr>' });
  const dialog = made(Dialog.asUac(uacInvite, ringing, LOCAL));
  assert.equal(dialog.state, 'early');
  assert.deepEqual(dialog.routeSet, ['<sip:only-on-1xx.example.net;lr>']);
  assert.deepEqual(dialog.confirm(uacOk), { ok: true });
  assert.equal(dialog.state, 'confirmed');
  assert.deepEqual(dialog.routeSet, ['<sip:edge.example.net;lr>', '<sip:core.example.net;lr>']);
  assert.equal(dialog.remoteTarget, 'sip:phone-a@203.0.113.21:5062;transport=udp');
});

test('refused creations come back as verdicts, not throws', () => {
  const trying = withHeaders(uacOk, {});
  trying.statusCode = 100;
  assert.deepEqual(Dialog.asUac(uacInvite, trying, LOCAL), { ok: false, reason: 'not-dialog-creating' });
  const noTag = withHeaders(uacOk, { To: '<sip:+4930123456@sip.example.net>' });
  assert.deepEqual(Dialog.asUac(uacInvite, noTag, LOCAL), { ok: false, reason: 'missing-tag' });
  assert.deepEqual(Dialog.asUac(uacInvite, withHeaders(uacOk, { 'Record-Route': '<sip:bad' }), LOCAL), { ok: false, reason: 'bad-record-route' });
  const noContact = uasInvite.clone();
  noContact.headers.remove('contact');
  const ok = createResponse(noContact, 200, 'OK', { version: '0.1.0' });
  assert.deepEqual(Dialog.asUas(noContact, ok, LOCAL), { ok: false, reason: 'missing-contact' });
});

test('secure flag: SIPS Request-URI over TLS only', () => {
  const sips = withHeaders(uacInvite, {});
  sips.uri = 'sips:+4930123456@sip.example.net';
  assert.equal(made(Dialog.asUac(sips, uacOk, LOCAL, true)).secure, true);
  assert.equal(made(Dialog.asUac(sips, uacOk, LOCAL, false)).secure, false);
  assert.equal(made(Dialog.asUac(uacInvite, uacOk, LOCAL, true)).secure, false);
});

test('dialog table: lookup by the tags of incoming requests and responses; a terminated dialog leaves', () => {
  const table = new DialogTable();
  const dialog = made(Dialog.asUac(uacInvite, uacOk, LOCAL));
  assert.equal(table.add(dialog), true);
  assert.equal(table.add(dialog), false);
  assert.equal(table.findForResponse(uacOk), dialog);
  const fromPeer = withHeaders(uasInvite, {
    'Call-ID': '7d2e5c1a9b3f4e60@192.0.2.10', From: '<sip:+4930123456@sip.example.net>;tag=forkA77', To: '<sip:1001@sip.example.net>;tag=c3f1a9e2',
  });
  assert.equal(table.findForRequest(fromPeer), dialog);
  assert.equal(table.findForRequest(withHeaders(fromPeer, { To: '<sip:1001@sip.example.net>;tag=other' })), undefined);
  dialog.transition('bye-sent');
  assert.equal(table.size, 0);
  assert.equal(table.findForResponse(uacOk), undefined);
});
