import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSipMessage, serializeSipMessage } from '../../../src/sip/message/index.js';

const examples = fileURLToPath(new URL('../../../../fixtures/sip/examples/', import.meta.url));
const capture = (name: string): Buffer => readFileSync(examples + name);

function options(extra: string[] = [], body = ''): Buffer {
  const lines = [
    'OPTIONS sip:gw@192.0.2.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKabc;rport',
    'Max-Forwards: 70',
    'From: <sip:a@192.0.2.9>;tag=1',
    'To: <sip:gw@192.0.2.1>',
    'Call-ID: c1@192.0.2.9',
    'CSeq: 1 OPTIONS',
    ...extra,
  ];
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + body, 'utf8');
}

test('headers keep their order, compact forms read as long names, lookups ignore case', () => {
  const r = parseSipMessage(capture('invite-with-sdp.sip'));
  assert.ok(r.ok && r.message.kind === 'request');
  const m = r.message;
  assert.equal(m.headers.get('Call-ID'), '9a8b7c6d5e4f3a2b@192.0.2.10');
  assert.equal(m.headers.get('CONTENT-TYPE'), 'application/sdp');
  assert.equal(m.headers.all()[2]!.name, 'f');
  assert.equal(m.from?.displayName, 'Line 1');
  assert.equal(m.from?.tag, '1c7d9e2f');
  assert.deepEqual(m.contacts !== '*' && m.contacts?.map((c) => c.uri), ['sip:1001@192.0.2.10:5060;transport=tcp']);
  assert.equal(m.topVia?.branch, 'z9hG4bKe81f7a3c29');
  assert.equal(m.topVia?.params['rport'], null);
  assert.equal(m.sipUri?.user, '+4930123456');
  assert.match(m.bodyText, /^v=0\r\n/);
});

test('the REGISTER challenge exchange parses; the 401 carries the challenge and received/rport', () => {
  for (const name of ['register-1-request.sip', 'register-3-request-with-credentials.sip']) {
    const r = parseSipMessage(capture(name));
    assert.ok(r.ok && r.message.kind === 'request', name);
  }
  const challenge = parseSipMessage(capture('register-2-401.sip'));
  assert.ok(challenge.ok && challenge.message.kind === 'response');
  assert.equal(challenge.message.statusCode, 401);
  assert.match(challenge.message.headers.get('www-authenticate') ?? '', /^Digest /);
  assert.equal(challenge.message.topVia?.params['received'], '198.51.100.7');
  assert.equal(challenge.message.topVia?.params['rport'], '5060');
  const ok = parseSipMessage(capture('register-4-200.sip'));
  assert.ok(ok.ok && ok.message.kind === 'response' && ok.message.to?.tag === 'as1f0e6c2b');
});

test('a UTF-8 Chinese MESSAGE body: Content-Length counts bytes, the text decodes, the display name survives', () => {
  const bytes = capture('message-utf8-chinese.sip');
  const r = parseSipMessage(bytes);
  assert.ok(r.ok && r.message.kind === 'request');
  assert.equal(r.message.bodyText, '你好，世界！短信网关测试。');
  assert.equal(r.message.body.length, 39);
  assert.equal(r.message.headers.get('content-length'), '39');
  assert.equal(r.message.from?.displayName, '张伟');
  assert.deepEqual(serializeSipMessage(r.message), bytes);
});

test('size caps come first: 513 for a large datagram, a long header or too many headers; responses are dropped', () => {
  const big = options([], 'x'.repeat(70000));
  const r1 = parseSipMessage(big);
  assert.ok(!r1.ok && r1.verdict.action === 'respond' && r1.verdict.statusCode === 513);
  assert.equal(r1.verdict.headers.get('call-id'), 'c1@192.0.2.9');
  const r2 = parseSipMessage(options(['X-Long: ' + 'a'.repeat(9000)]));
  assert.ok(!r2.ok && r2.verdict.action === 'respond' && r2.verdict.statusCode === 513);
  const many = Array.from({ length: 100 }, (_, i) => `X-H${i}: v`);
  const r3 = parseSipMessage(options(many));
  assert.ok(!r3.ok && r3.verdict.action === 'respond' && r3.verdict.statusCode === 513);
  assert.ok(parseSipMessage(options(many.slice(0, 93))).ok, 'exactly 100 headers are accepted');
  const small = parseSipMessage(options(['X-Long: ' + 'a'.repeat(200)]), { maxHeaderBytes: 100 });
  assert.ok(!small.ok && small.verdict.action === 'respond' && small.verdict.statusCode === 513);
  const response = Buffer.concat([Buffer.from('SIP/2.0 200 OK\r\n'), Buffer.alloc(70000, 0x41)]);
  const r4 = parseSipMessage(response);
  assert.ok(!r4.ok && r4.verdict.action === 'discard');
});

test('Content-Length: bytes, not characters; beyond the datagram is 400; extra bytes dropped; stream needs it', () => {
  const body = 'é'; // two bytes
  const exact = parseSipMessage(options(['Content-Length: 2'], body));
  assert.ok(exact.ok && exact.message.bodyText === 'é');
  const tooLong = parseSipMessage(options(['Content-Length: 3'], body));
  assert.ok(!tooLong.ok && tooLong.verdict.action === 'respond' && tooLong.verdict.statusCode === 400);
  assert.equal(tooLong.verdict.reasonPhrase, 'Bad Content-Length Header');
  const extra = parseSipMessage(options(['Content-Length: 1'], 'ab'));
  assert.ok(extra.ok && extra.message.bodyText === 'a');
  const rest = parseSipMessage(options([], 'whole rest'));
  assert.ok(rest.ok && rest.message.bodyText === 'whole rest');
  const stream = parseSipMessage(options([], ''), { transport: 'stream' });
  assert.ok(!stream.ok && stream.verdict.action === 'respond' && stream.verdict.reasonPhrase === 'Missing Content-Length Header');
});

test('folded header lines join; a line without a colon is 400; garbage is discarded', () => {
  const folded = parseSipMessage(options(['Subject: first', '  second']));
  assert.ok(folded.ok && folded.message.headers.get('s') === 'first second');
  const noColon = parseSipMessage(options(['Nonsense line']));
  assert.ok(!noColon.ok && noColon.verdict.action === 'respond' && noColon.verdict.reasonPhrase === 'Malformed Header Line');
  for (const junk of ['', '\r\n', 'hello', '\x00\x01\x02\r\n\r\n', 'SIP/2.0 abc\r\n\r\n', 'SIP/3.0 200 OK\r\nVia: x\r\n\r\n']) {
    const r = parseSipMessage(Buffer.from(junk, 'latin1'));
    assert.ok(!r.ok && r.verdict.action === 'discard', JSON.stringify(junk));
  }
});

test('a response with a broken mandatory header is discarded, never answered', () => {
  const r = parseSipMessage(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: x\r\nCSeq: one INVITE\r\n\r\n'));
  assert.ok(!r.ok && r.verdict.action === 'discard');
});

test('the parser never throws on arbitrary bytes, whatever their length', () => {
  const seed = capture('invite-with-sdp.sip');
  let state = 12345;
  const rand = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(seed);
    for (let k = 0; k < 1 + rand(6); k++) bytes[rand(bytes.length)] = rand(256);
    const cut = bytes.subarray(0, rand(bytes.length + 1));
    const r = parseSipMessage(cut);
    assert.equal(typeof r.ok, 'boolean');
  }
});

test('header values lose only SP and HTAB around them: a UTF-8 value ending in byte A0 stays whole', () => {
  // "voilà" ends in C3 A0: read as latin1, A0 is a no-break space, which String.trim would cut.
  const parsed = parseSipMessage(options(['Subject: \t voilà \t', 'X-Note: x…']));
  assert.ok(parsed.ok);
  assert.equal(parsed.message.headers.get('subject'), 'voilà');
  assert.equal(parsed.message.headers.get('x-note'), 'x…');
});
