import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  buildWebhookPayload,
  formatMailForward,
  formatSipForwardBody,
  formatSmsForward,
  formatWebhookBody,
  parseSipForwardBody,
  parseSmsForward,
  signWebhook,
  verifyWebhook,
} from '../../src/sms/forward-format.js';
import { planText } from '../../src/gsm/split.js';

test('§4.10 forward to a mobile: L1,+8613670128297>你好', () => {
  assert.equal(formatSmsForward(1, '+8613670128297', '你好'), 'L1,+8613670128297>你好');
  assert.deepEqual(parseSmsForward('L1,+8613670128297>你好'), { line: 1, from: '+8613670128297', text: '你好' });
  assert.deepEqual(parseSmsForward('L12,10086>a>b\nc'), { line: 12, from: '10086', text: 'a>b\nc' });
  assert.equal(parseSmsForward('1,+86>x'), null);
  assert.equal(parseSmsForward('L1+86>x'), null);
  assert.equal(parseSmsForward(7 as unknown as string), null);
});

test('a forward longer than one SMS is kept whole (a concatenated SMS), not cut', () => {
  const text = 'x'.repeat(160);
  const fwd = formatSmsForward(3, '+8613670128297', text);
  assert.ok(fwd.endsWith(text));
  assert.equal(planText(fwd).parts.length, 2);
});

test('property: formatSmsForward / parseSmsForward round-trip', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999 }), fc.stringMatching(/^[+0-9A-Za-z ]{0,20}$/), fc.string(), (line, from, text) => {
      assert.deepEqual(parseSmsForward(formatSmsForward(line, from, text)), { line, from, text });
    }),
  );
});

test('§4.10 forward to VoIP: the SIP MESSAGE body matches the manual example (Content-Length 26)', () => {
  const body = formatSipForwardBody(1, '+8613670128297', '你好');
  assert.equal(body, '+8613670128297\r\n(L1)你好');
  assert.equal(Buffer.byteLength(body, 'utf8'), 26);
  assert.equal(formatSipForwardBody(1, '+8613670128297', '你好', { eol: '\n' }), '+8613670128297\n(L1)你好');
  assert.deepEqual(parseSipForwardBody(body), { line: 1, from: '+8613670128297', text: '你好' });
  assert.deepEqual(parseSipForwardBody('+86\n(L4)a\r\nb'), { line: 4, from: '+86', text: 'a\r\nb' });
  assert.equal(parseSipForwardBody('+86 (L4)a'), null);
  // A line break in the sender cannot break the layout.
  assert.deepEqual(parseSipForwardBody(formatSipForwardBody(2, 'a\nb', 'x')), { line: 2, from: 'a b', text: 'x' });
});

test('mail: subject and body, partial messages flagged', () => {
  const receivedAt = Date.UTC(2024, 4, 1, 8, 30, 0);
  assert.deepEqual(formatMailForward({ line: 1, from: '+8613670128297', to: '+8613800000000', text: '你好', receivedAt }), {
    subject: 'SMS L1 from +8613670128297: 你好',
    text: 'From: +8613670128297\nTo: +8613800000000\nLine: L1\nReceived: 2024-05-01T08:30:00Z\n\n你好',
  });
  const p = formatMailForward({ line: 2, from: '10086', text: 'part one', receivedAt, partial: { received: 2, total: 3 } });
  assert.equal(p.subject, '[incomplete] SMS L2 from 10086: part one');
  assert.equal(p.text, 'From: 10086\nLine: L2\nReceived: 2024-05-01T08:30:00Z\nNote: incomplete: 2 of 3 parts arrived\n\npart one');
  const q = formatMailForward({ line: 2, from: '10086', text: 'x', receivedAt, partial: true });
  assert.match(q.subject, /^\[incomplete\] /);
  assert.match(q.text, /Note: incomplete: some parts of this message did not arrive/);
  assert.doesNotMatch(formatMailForward({ line: 2, from: '1', text: 'x', receivedAt, partial: false }).subject, /incomplete/);
});

test('mail: the subject is one short line whatever the text and sender', () => {
  const m = formatMailForward({
    line: 1,
    from: 'Bank\r\nBcc: victim@example.com',
    text: 'line one\nline two ' + 'y'.repeat(100),
    receivedAt: NaN,
  });
  assert.doesNotMatch(m.subject, /[\r\n]/);
  assert.equal(m.subject, 'SMS L1 from Bank Bcc: victim@example.com: line one line two yyyyyyyyyyyyyyyyyyyyy…');
  assert.match(m.text, /^From: Bank Bcc: victim@example\.com\nLine: L1\nReceived: unknown time\n\nline one\nline two y+$/);
  assert.equal(formatMailForward({ line: 1, from: '', text: '', receivedAt: 0 }).subject, 'SMS L1 from unknown sender');
  assert.doesNotThrow(() => formatMailForward(null as unknown as Parameters<typeof formatMailForward>[0]));
});

test('webhook payload: stable shape and key order', () => {
  const body = formatWebhookBody({
    id: 'm-1',
    line: 1,
    slot: 2,
    from: '+8613670128297',
    text: '你好',
    receivedAt: Date.UTC(2024, 4, 1, 8, 30, 0),
  });
  assert.equal(
    body,
    '{"event":"sms.received","version":1,"id":"m-1","line":1,"slot":2,"from":"+8613670128297","to":null,"text":"你好","receivedAt":"2024-05-01T08:30:00.000Z","partial":false,"parts":null}',
  );
  assert.deepEqual(buildWebhookPayload({ id: 'm-2', line: 3, from: 'x', to: '+86138', text: '', receivedAt: NaN, partial: { received: 1, total: 2 } }), {
    event: 'sms.received',
    version: 1,
    id: 'm-2',
    line: 3,
    slot: null,
    from: 'x',
    to: '+86138',
    text: '',
    receivedAt: null,
    partial: true,
    parts: { received: 1, total: 2 },
  });
  assert.equal(buildWebhookPayload({ id: 'm', line: 1, from: '', text: '', receivedAt: 0, partial: true }).partial, true);
  assert.doesNotThrow(() => formatWebhookBody(undefined as unknown as Parameters<typeof formatWebhookBody>[0]));
});

test('webhook signature: t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
  const body = '{"a":1}';
  const sig = signWebhook(body, 'whsec', 1714552200);
  const expected = createHmac('sha256', 'whsec').update('1714552200.{"a":1}').digest('hex');
  assert.equal(sig, `t=1714552200,v1=${expected}`);
  assert.equal(signWebhook(body, 'whsec', 1714552200.9), sig);
  assert.deepEqual(verifyWebhook(sig, body, 'whsec', 300, 1714552200 + 300), { ok: true, timestamp: 1714552200 });
  assert.deepEqual(verifyWebhook(sig, body, 'whsec', 300, 1714552200 - 300), { ok: true, timestamp: 1714552200 });
  assert.deepEqual(verifyWebhook(sig, body, 'whsec', 300, 1714552200 + 301), { ok: false, reason: 'the timestamp is outside the tolerance' });
  assert.deepEqual(verifyWebhook(sig, body + ' ', 'whsec', 300, 1714552200), { ok: false, reason: 'no signature matches' });
  assert.deepEqual(verifyWebhook(sig, body, 'other', 300, 1714552200), { ok: false, reason: 'no signature matches' });
  // Rotation: any of several v1 values may match; spaces and upper-case hex are accepted.
  const rotated = `t=1714552200, v1=${'0'.repeat(64)}, v1=${expected.toUpperCase()}`;
  assert.equal(verifyWebhook(rotated, body, 'whsec', 300, 1714552200).ok, true);
  // A different timestamp with the same v1 fails (the timestamp is signed).
  assert.equal(verifyWebhook(`t=1714552201,v1=${expected}`, body, 'whsec', 300, 1714552200).ok, false);
  assert.deepEqual(verifyWebhook(`v1=${expected}`, body, 'whsec', 300, 1714552200), { ok: false, reason: 'no timestamp (t=) in the signature header' });
  assert.deepEqual(verifyWebhook('t=1714552200', body, 'whsec', 300, 1714552200), { ok: false, reason: 'no v1 signature in the signature header' });
  assert.deepEqual(verifyWebhook('t=abc,v1=00', body, 'whsec', 300, 1714552200), { ok: false, reason: 'the timestamp is not a number of seconds' });
  assert.equal(verifyWebhook(`t=1714552200,v1=${expected.slice(2)}`, body, 'whsec', 300, 1714552200).ok, false);
});

test('property: sign/verify round-trip; arbitrary headers never throw', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 4_000_000_000 }), (body, secret, t) => {
      assert.equal(verifyWebhook(signWebhook(body, secret, t), body, secret, 0, t).ok, true);
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(fc.string(), fc.string(), (header, body) => {
      const r = verifyWebhook(header, body, 's', 300, 1000);
      assert.equal(typeof r.ok, 'boolean');
    }),
  );
  assert.equal(verifyWebhook(null as unknown as string, '', '', 1, 1).ok, false);
});
