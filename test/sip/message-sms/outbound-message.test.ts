import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipMessage, serializeSipMessage, SipRequest } from '../../../src/sip/message/index.js';
import {
  createForwardedSmsMessage,
  createRelayReportMessage,
  forwardedSmsBody,
  parseForwardedSmsBody,
  readInboundMessage,
  readTextBody,
  type TextMessageTarget,
} from '../../../src/sip/message-sms/index.js';
import { exampleRequest } from './message-sms-fixtures.js';

const target: TextMessageTarget = {
  uri: 'sip:101@192.0.2.2:6060',
  from: { uri: 'sip:goip-01@192.0.2.2' },
  to: { uri: 'sip:101@192.0.2.2' },
  via: { transport: 'udp', host: '192.0.2.143', port: 5060 },
  cseq: 2111,
  version: '0.1.0',
  contact: '<sip:goip-01@192.0.2.143:5060>',
};

function wireRoundTrip(request: SipRequest): SipRequest {
  const parsed = parseSipMessage(serializeSipMessage(request));
  assert.ok(parsed.ok && parsed.message instanceof SipRequest, JSON.stringify(parsed));
  return parsed.message;
}

test('the forwarded SMS body is the manual\'s: sender, CRLF, (L<line>)text — the same bytes as its example', () => {
  const body = forwardedSmsBody({ sender: '+8613670128297', line: 1, text: '你好' });
  assert.equal(body, '+8613670128297\r\n(L1)你好');
  assert.equal(Buffer.byteLength(body), 26);
  const manual = readTextBody(exampleRequest('message-sms-forwarded.sip'));
  assert.ok(manual.ok);
  assert.equal(body, manual.text);
  assert.deepEqual(parseForwardedSmsBody(manual.text), { sender: '+8613670128297', line: 1, text: '你好' });
});

test('line numbers above 9, multi-line texts and alphanumeric senders keep the format; line breaks in a sender become spaces', () => {
  assert.equal(forwardedSmsBody({ sender: 'Vodafone', line: 32, text: 'a\r\nb' }), 'Vodafone\r\n(L32)a\r\nb');
  assert.equal(forwardedSmsBody({ sender: 'x\r\ny', line: 2, text: 't' }), 'x y\r\n(L2)t');
  assert.deepEqual(parseForwardedSmsBody('Vodafone\r\n(L32)a\r\nb'), { sender: 'Vodafone', line: 32, text: 'a\r\nb' });
  assert.equal(parseForwardedSmsBody('no line marker'), undefined);
});

test('a line that is not a positive integer is a caller bug: RangeError', () => {
  for (const line of [0, -1, 1.5, Number.NaN]) assert.throws(() => forwardedSmsBody({ sender: '1', line, text: 't' }), RangeError);
});

test('the forwarded SMS MESSAGE: From/To/Contact as given, text/plain;charset=UTF-8, Chinese body with a byte Content-Length', () => {
  const request = wireRoundTrip(createForwardedSmsMessage(target, { sender: '+8613670128297', line: 1, text: '你好' }));
  assert.equal(request.method, 'MESSAGE');
  assert.equal(request.uri, 'sip:101@192.0.2.2:6060');
  assert.equal(request.from?.uri, 'sip:goip-01@192.0.2.2');
  assert.ok(request.from?.tag !== undefined);
  assert.equal(request.to?.uri, 'sip:101@192.0.2.2');
  assert.equal(request.to?.tag, undefined);
  assert.equal(request.cseq?.seq, 2111);
  assert.equal(request.cseq?.method, 'MESSAGE');
  assert.equal(request.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(request.headers.get('content-length'), '26');
  assert.equal(request.headers.get('contact'), '<sip:goip-01@192.0.2.143:5060>');
  assert.equal(request.bodyText, '+8613670128297\r\n(L1)你好');
});

test('a forwarded MESSAGE sent to another cellgate in body mode reads back as the sender number and the (L1) text', () => {
  const request = wireRoundTrip(createForwardedSmsMessage(target, { sender: '+8613670128297', line: 1, text: '你好' }));
  const verdict = readInboundMessage(request, 'body');
  assert.ok(verdict.ok);
  assert.deepEqual([verdict.sms.destination, verdict.sms.text], ['+8613670128297', '(L1)你好']);
});

test('the relay report MESSAGE carries the exact report text for the inbound Call-ID', () => {
  const inbound = exampleRequest('message-sms-body-mode.sip');
  const report = wireRoundTrip(
    createRelayReportMessage({ ...target, uri: 'sip:102@192.0.2.11', to: { uri: 'sip:102@192.0.2.11' }, callId: 'r1@192.0.2.143' }, inbound.callId!, { ok: false, failure: { kind: 'modem-refused', cmsError: 38 } }),
  );
  assert.equal(report.callId, 'r1@192.0.2.143');
  assert.equal(report.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(report.bodyText, 'SMS(callid:3ac530c06a46a6123b0e5cd76164edb8) RELAY ERROR:38');
});
