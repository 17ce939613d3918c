import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SipHeaders, SipRequest } from '../../../src/sip/message/index.js';
import { readInboundMessage, type InboundRejectReason } from '../../../src/sip/message-sms/index.js';
import { exampleRequest, messageFromWire } from './message-sms-fixtures.js';

const TO_GW = 'To: <sip:goip-01@192.0.2.211>';
const TO_NUMBER = 'To: <sip:13602345012@192.0.2.211>';
const PLAIN = 'Content-Type: text/plain;charset=UTF-8';

test('body mode: the manual\'s example — first body line is the destination, the rest the text (Chinese)', () => {
  const verdict = readInboundMessage(exampleRequest('message-sms-body-mode.sip'), 'body');
  assert.deepEqual(verdict, {
    ok: true,
    sms: { destination: '13602345012', text: '测试1', callId: '3ac530c06a46a6123b0e5cd76164edb8@127.0.0.1:5060', markedAsSms: false },
  });
});

test('to-header mode: the manual\'s example — To user is the destination, the whole body the text', () => {
  const verdict = readInboundMessage(exampleRequest('message-sms-to-header-mode.sip'), 'to-header');
  assert.deepEqual(verdict, {
    ok: true,
    sms: { destination: '13602345012', text: '测试2', callId: '7fd0d916611441dc5f7a83970260a047@127.0.0.1:5060', markedAsSms: false },
  });
});

test('the PBX seed\'s messagetype=SMS on To is accepted and reported; a quoted charset and a +number read fine', () => {
  const verdict = readInboundMessage(exampleRequest('message-sms-pbx-messagetype.sip'), 'to-header');
  assert.ok(verdict.ok);
  assert.equal(verdict.sms.destination, '+8613602345012');
  assert.equal(verdict.sms.text, '你好，明天见！\nSee you tomorrow.');
  assert.equal(verdict.sms.markedAsSms, true);
});

test('messagetype is matched case-insensitively, name and value', () => {
  const verdict = readInboundMessage(messageFromWire(['To: <sip:13602345012@192.0.2.211>;MessageType=sms', PLAIN], 'hi'), 'to-header');
  assert.ok(verdict.ok && verdict.sms.markedAsSms);
});

test('body mode keeps the text verbatim after the first line break, CRLF or bare LF, multi-line text included', () => {
  const crlf = readInboundMessage(messageFromWire([TO_GW, PLAIN], '+8613602345012\r\n第一行\r\n第二行'), 'body');
  assert.ok(crlf.ok);
  assert.deepEqual([crlf.sms.destination, crlf.sms.text], ['+8613602345012', '第一行\r\n第二行']);
  const lf = readInboundMessage(messageFromWire([TO_GW, PLAIN], ' 13602345012 \nhello'), 'body');
  assert.ok(lf.ok);
  assert.deepEqual([lf.sms.destination, lf.sms.text], ['13602345012', 'hello']);
});

test('to-header mode: a percent-escaped user, user parameters and a tel URI give the number', () => {
  const escaped = readInboundMessage(messageFromWire(['To: <sip:%2B8613602345012@192.0.2.211>', PLAIN], 'x'), 'to-header');
  assert.ok(escaped.ok && escaped.sms.destination === '+8613602345012');
  const params = readInboundMessage(messageFromWire(['To: <sip:13602345012;phone-context=example.net@192.0.2.211;user=phone>', PLAIN], 'x'), 'to-header');
  assert.ok(params.ok && params.sms.destination === '13602345012', JSON.stringify(params));
  const tel = readInboundMessage(messageFromWire(['To: <tel:+8613602345012>', PLAIN], 'x'), 'to-header');
  assert.ok(tel.ok && tel.sms.destination === '+8613602345012', JSON.stringify(tel));
});

test('a text/plain without charset is read as UTF-8 (the manual sends Chinese that way); us-ascii is accepted', () => {
  const bare = readInboundMessage(messageFromWire([TO_NUMBER, 'Content-Type: text/plain'], '你好'), 'to-header');
  assert.ok(bare.ok && bare.sms.text === '你好');
  const ascii = readInboundMessage(messageFromWire([TO_NUMBER, 'Content-Type: TEXT/PLAIN; charset=US-ASCII'], 'hello'), 'to-header');
  assert.ok(ascii.ok && ascii.sms.text === 'hello');
});

/** Each bad input with the verdict it must get. */
const BAD: readonly { name: string; mode: 'body' | 'to-header'; headers: string[]; body: string | Buffer; reason: InboundRejectReason; status: number; extra?: [string, string][]; requestLine?: string }[] = [
  { name: 'not a MESSAGE', mode: 'body', headers: [TO_GW, PLAIN], body: '123\r\nx', reason: 'not-message', status: 405, extra: [['Allow', 'MESSAGE']], requestLine: 'OPTIONS sip:gw@192.0.2.211 SIP/2.0' },
  { name: 'messagetype other than SMS', mode: 'to-header', headers: ['To: <sip:13602345012@192.0.2.211>;messagetype=IM', PLAIN], body: 'x', reason: 'not-sms-message-type', status: 488 },
  { name: 'a body without Content-Type', mode: 'to-header', headers: [TO_NUMBER], body: 'x', reason: 'missing-content-type', status: 400 },
  { name: 'text/html', mode: 'to-header', headers: [TO_NUMBER, 'Content-Type: text/html'], body: '<b>x</b>', reason: 'unsupported-content-type', status: 415, extra: [['Accept', 'text/plain']] },
  { name: 'CPIM', mode: 'to-header', headers: [TO_NUMBER, 'Content-Type: message/cpim'], body: 'x', reason: 'unsupported-content-type', status: 415, extra: [['Accept', 'text/plain']] },
  { name: 'charset GBK', mode: 'to-header', headers: [TO_NUMBER, 'Content-Type: text/plain;charset=GBK'], body: Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), reason: 'unsupported-charset', status: 415, extra: [['Accept', 'text/plain;charset=UTF-8']] },
  { name: 'gzip encoding', mode: 'to-header', headers: [TO_NUMBER, PLAIN, 'Content-Encoding: gzip'], body: 'x', reason: 'unsupported-content-encoding', status: 415, extra: [['Accept-Encoding', 'identity']] },
  { name: 'invalid UTF-8 bytes', mode: 'to-header', headers: [TO_NUMBER, PLAIN], body: Buffer.from([0x68, 0xe4, 0xbd]), reason: 'invalid-text-encoding', status: 400 },
  { name: '8-bit bytes declared US-ASCII', mode: 'to-header', headers: [TO_NUMBER, 'Content-Type: text/plain;charset=us-ascii'], body: '你好', reason: 'invalid-text-encoding', status: 400 },
  { name: 'body mode, empty first line', mode: 'body', headers: [TO_GW, PLAIN], body: '\r\n13602345012\r\nx', reason: 'missing-destination', status: 400 },
  { name: 'body mode, empty body', mode: 'body', headers: [TO_GW, PLAIN], body: '', reason: 'missing-destination', status: 400 },
  { name: 'body mode, text on the first line', mode: 'body', headers: [TO_GW, PLAIN], body: '你好\r\n世界', reason: 'bad-destination', status: 400 },
  { name: 'body mode, number with a dash', mode: 'body', headers: [TO_GW, PLAIN], body: '136-0234-5012\r\nx', reason: 'bad-destination', status: 400 },
  { name: 'body mode, 21 digits', mode: 'body', headers: [TO_GW, PLAIN], body: '123456789012345678901\r\nx', reason: 'bad-destination', status: 400 },
  { name: 'body mode, number only', mode: 'body', headers: [TO_GW, PLAIN], body: '13602345012', reason: 'empty-text', status: 400 },
  { name: 'body mode, blank text', mode: 'body', headers: [TO_GW, PLAIN], body: '13602345012\r\n  \r\n', reason: 'empty-text', status: 400 },
  { name: 'to-header mode, To user is a name', mode: 'to-header', headers: [TO_GW, PLAIN], body: 'x', reason: 'bad-destination', status: 400 },
  { name: 'to-header mode, To without user', mode: 'to-header', headers: ['To: <sip:192.0.2.211>', PLAIN], body: 'x', reason: 'missing-destination', status: 400 },
  { name: 'to-header mode, empty body', mode: 'to-header', headers: [TO_NUMBER], body: '', reason: 'empty-text', status: 400 },
];

for (const bad of BAD) {
  test(`bad input gets its verdict: ${bad.name} → ${bad.status} ${bad.reason}`, () => {
    const verdict = readInboundMessage(messageFromWire(bad.headers, bad.body, bad.requestLine), bad.mode);
    assert.equal(verdict.ok, false, JSON.stringify(verdict));
    assert.ok(!verdict.ok);
    assert.equal(verdict.reject.reason, bad.reason);
    assert.equal(verdict.reject.statusCode, bad.status);
    assert.deepEqual(verdict.reject.headers, bad.extra ?? []);
    assert.ok(verdict.reject.reasonPhrase.length > 0 && verdict.reject.detail.length > 0);
  });
}

test('the checks come in order: a wrong messagetype is reported before a wrong body', () => {
  const verdict = readInboundMessage(messageFromWire(['To: <sip:1@192.0.2.211>;messagetype=IM', 'Content-Type: text/html'], 'x'), 'to-header');
  assert.ok(!verdict.ok && verdict.reject.reason === 'not-sms-message-type');
});

test('the existing Chinese MESSAGE example (text only, no number line) is refused in body mode, read in to-header mode', () => {
  const request = exampleRequest('message-utf8-chinese.sip');
  const body = readInboundMessage(request, 'body');
  assert.ok(!body.ok && body.reject.reason === 'bad-destination');
  const to = readInboundMessage(request, 'to-header');
  assert.ok(to.ok && to.sms.destination === '1002' && to.sms.text === '你好，世界！短信网关测试。', JSON.stringify(to));
});

test('a request built without Call-ID or with an unreadable To gets a verdict, never an exception', () => {
  const noCallId = new SipRequest('MESSAGE', 'sip:gw@192.0.2.211', new SipHeaders().append('To', '<sip:1@h>').append('Content-Type', 'text/plain'), Buffer.from('x'));
  const verdict = readInboundMessage(noCallId, 'to-header');
  assert.ok(!verdict.ok && verdict.reject.reason === 'missing-call-id' && verdict.reject.statusCode === 400);
  const brokenTo = new SipRequest('MESSAGE', 'sip:gw@192.0.2.211', new SipHeaders().append('Call-ID', 'a@b').append('To', '<<garbage').append('Content-Type', 'text/plain'), Buffer.from('x'));
  const toVerdict = readInboundMessage(brokenTo, 'to-header');
  assert.ok(!toVerdict.ok && toVerdict.reject.reason === 'missing-destination');
});

test('random bodies, To users and content types always give a verdict (seeded, 2000 cases)', () => {
  let seed = 0x5eed;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const types = ['text/plain', 'text/plain;charset=UTF-8', 'text/plain;charset=us-ascii', 'text/plain;charset=GBK', 'text/html', 'TEXT/PLAIN ; CHARSET="utf-8"'];
  const users = ['13602345012', '%2B86', '%41%31', 'goip-01', '+', '1;x=y', '%E4%BD%A0'];
  const seen = { ok: 0, rejected: 0 };
  for (let i = 0; i < 2000; i++) {
    const body = Buffer.from(Array.from({ length: next(24) }, () => (next(3) === 0 ? [0x0d, 0x0a, 0x2b, 0x31][next(4)]! : next(256))));
    const request = messageFromWire([`To: <sip:${users[next(users.length)]}@192.0.2.211>`, `Content-Type: ${types[next(types.length)]}`], body);
    for (const mode of ['body', 'to-header'] as const) {
      const verdict = readInboundMessage(request, mode);
      seen[verdict.ok ? 'ok' : 'rejected']++;
      if (verdict.ok) {
        assert.match(verdict.sms.destination, /^\+?[0-9]{1,20}$/);
        assert.notEqual(verdict.sms.text.trim(), '');
      } else {
        assert.ok([400, 405, 415, 488].includes(verdict.reject.statusCode));
      }
    }
  }
  // Both outcomes occur, so the loop exercises the accepting paths too.
  assert.ok(seen.ok > 50 && seen.rejected > 50, JSON.stringify(seen));
});
