import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createAckForNon2xx,
  createCancel,
  createRejectionResponse,
  createRequest,
  createResponse,
  isRfc3261Branch,
  parseSipMessage,
  serializeSipMessage,
  SipResponse,
} from '../../../src/sip/message/index.js';

const invite = () =>
  createRequest({
    method: 'INVITE',
    uri: 'sip:+4930123456@sip.example.net',
    via: { transport: 'udp', host: '192.0.2.10', port: 5060 },
    from: { uri: 'sip:1001@sip.example.net', displayName: 'Line "1"' },
    to: { uri: 'sip:+4930123456@sip.example.net' },
    cseq: 7,
    contact: '<sip:1001@192.0.2.10:5060>',
    routes: ['<sip:proxy.example.net;lr>'],
    version: '0.1.0',
    contentType: 'application/sdp',
    body: 'v=0\r\n',
  });

test('a built request carries Via with a z9hG4bK branch and rport, a From tag, User-Agent, and parses back', () => {
  const request = invite();
  const bytes = serializeSipMessage(request);
  const text = bytes.toString('utf8');
  assert.match(text, /^INVITE sip:\+4930123456@sip\.example\.net SIP\/2\.0\r\n/);
  assert.match(text, /\r\nVia: SIP\/2\.0\/UDP 192\.0\.2\.10:5060;branch=z9hG4bK[0-9a-f]{24};rport\r\n/);
  assert.match(text, /\r\nUser-Agent: cellgate\/0\.1\.0\r\n/);
  assert.match(text, /\r\nContent-Length: 5\r\n\r\nv=0\r\n$/);
  const parsed = parseSipMessage(bytes);
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  assert.equal(parsed.message.from?.displayName, 'Line "1"');
  assert.ok(parsed.message.from?.tag);
  assert.ok(isRfc3261Branch(parsed.message.topVia?.branch));
});

test('a Chinese MESSAGE body: Content-Length is its byte count', () => {
  const text = '短信：你好';
  const message = createRequest({
    method: 'MESSAGE', uri: 'sip:1002@h', via: { transport: 'TCP', host: 'h' }, from: { uri: 'sip:1001@h' }, to: { uri: 'sip:1002@h' },
    cseq: 1, version: '0.1.0', contentType: 'text/plain;charset=UTF-8', body: text,
  });
  const bytes = serializeSipMessage(message);
  assert.match(bytes.toString('utf8'), new RegExp(`Content-Length: ${Buffer.byteLength(text)}\\r\\n`));
  assert.equal(Buffer.byteLength(text), 15);
  const parsed = parseSipMessage(bytes, { transport: 'stream' });
  assert.ok(parsed.ok && parsed.message.bodyText === text);
});

test('a response copies Via, From, To, Call-ID and CSeq, adds a To tag (not on 100) and Server', () => {
  const request = invite();
  request.headers.append('Via', 'SIP/2.0/UDP proxy.example.net;branch=z9hG4bKproxy');
  const ringing = createResponse(request, 180, 'Ringing', { version: '0.1.0', toTag: 'abc' });
  assert.deepEqual(ringing.headers.getAll('via'), request.headers.getAll('via'));
  assert.equal(ringing.headers.get('from'), request.headers.get('from'));
  assert.equal(ringing.to?.tag, 'abc');
  assert.equal(ringing.headers.get('call-id'), request.headers.get('call-id'));
  assert.equal(ringing.headers.get('cseq'), '7 INVITE');
  assert.equal(ringing.headers.get('server'), 'cellgate/0.1.0');
  const trying = createResponse(request, 100, 'Trying', { version: '0.1.0' });
  assert.equal(trying.to?.tag, undefined);
  const parsed = parseSipMessage(serializeSipMessage(ringing));
  assert.ok(parsed.ok && parsed.message.kind === 'response' && parsed.message.statusCode === 180);
});

test('ACK for a non-2xx and CANCEL reuse the top Via branch, the CSeq number and the route set', () => {
  const request = invite();
  const busy = createResponse(request, 486, 'Busy Here', { version: '0.1.0', toTag: 'remote' });
  const ack = createAckForNon2xx(request, busy, '0.1.0');
  assert.equal(ack.method, 'ACK');
  assert.equal(ack.uri, request.uri);
  assert.equal(ack.topVia?.branch, request.topVia?.branch);
  assert.equal(ack.headers.getAll('via').length, 1);
  assert.equal(ack.headers.get('cseq'), '7 ACK');
  assert.equal(ack.to?.tag, 'remote');
  assert.equal(ack.from?.tag, request.from?.tag);
  assert.deepEqual(ack.headers.getAll('route'), ['<sip:proxy.example.net;lr>']);
  const cancel = createCancel(request, '0.1.0');
  assert.equal(cancel.topVia?.branch, request.topVia?.branch);
  assert.equal(cancel.headers.get('cseq'), '7 CANCEL');
  assert.equal(cancel.headers.get('to'), request.headers.get('to'));
  assert.equal(cancel.headers.get('call-id'), request.headers.get('call-id'));
  for (const m of [ack, cancel]) assert.ok(parseSipMessage(serializeSipMessage(m)).ok);
});

test('a rejection verdict becomes the response it names, with what the request had', () => {
  const bad = Buffer.from('OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP c;branch=z9hG4bK9\r\nMax-Forwards: 70\r\nFrom: <sip:c@h>;tag=f\r\nTo: <sip:a@h>\r\nCall-ID: z\r\nCSeq: 1 INVITE\r\n\r\n');
  const result = parseSipMessage(bad);
  assert.ok(!result.ok && result.verdict.action === 'respond');
  const response = createRejectionResponse(result.verdict, { version: '0.1.0' });
  assert.ok(response instanceof SipResponse);
  assert.equal(response.statusCode, 400);
  assert.equal(response.reasonPhrase, 'CSeq Method Mismatch');
  assert.equal(response.headers.get('via'), 'SIP/2.0/UDP c;branch=z9hG4bK9');
  assert.ok(response.to?.tag);
  assert.match(serializeSipMessage(response).toString(), /^SIP\/2\.0 400 CSeq Method Mismatch\r\n/);
});

test('serialized bytes own their memory: a kept response holds no slice of the shared buffer pool', () => {
  const request = createRequest({ method: 'MESSAGE', uri: 'sip:1@example.com', via: { transport: 'UDP', host: '127.0.0.1', port: 5060 }, from: { uri: 'sip:a@example.com' }, to: { uri: 'sip:1@example.com' }, cseq: 1, version: '1', body: '中文' });
  request.headers.append('l', '99');
  const bytes = serializeSipMessage(request);
  assert.equal(bytes.buffer.byteLength, bytes.length, 'an ArrayBuffer of its own');
  const text = bytes.toString('utf8');
  assert.equal(text.match(/Content-Length: /g)?.length, 1, 'one Content-Length, the stale compact one replaced');
  assert.match(text, /\r\nContent-Length: 6\r\n\r\n中文$/);
});
