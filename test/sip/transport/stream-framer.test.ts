import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer, type StreamFramerEvent } from '../../../src/sip/transport/stream-framer.js';

const msg1 = Buffer.from('OPTIONS sip:a@h SIP/2.0\r\nl: 0\r\nCall-ID: 1\r\n\r\n', 'latin1');
const body2 = Buffer.from('你好\r\n\r\nstill body', 'utf8');
const msg2 = Buffer.concat([Buffer.from(`MESSAGE sip:a@h SIP/2.0\r\nContent-Length: ${body2.length}\r\n\r\n`, 'latin1'), body2]);
const stream = Buffer.concat([Buffer.from('\r\n\r\n'), msg1, Buffer.from('\r\n\r\n'), msg2, msg1]);

function feed(framer: StreamFramer, chunks: Buffer[]): StreamFramerEvent[] {
  return chunks.filter((c) => c.length > 0).flatMap((c) => framer.push(c));
}

function summary(events: StreamFramerEvent[]): string[] {
  return events.map((e) => (e.kind === 'message' ? `message:${e.bytes.toString('latin1')}` : e.kind === 'error' ? `error:${e.error.kind}` : e.kind));
}

const expected = ['ping', `message:${msg1.toString('latin1')}`, 'ping', `message:${msg2.toString('latin1')}`, `message:${msg1.toString('latin1')}`];

test('frames pings and messages (a body containing an empty line) when fed whole', () => {
  assert.deepEqual(summary(feed(new StreamFramer(), [stream])), expected);
});

test('the same stream split at every byte offset, and fed byte by byte, gives the same events', () => {
  for (let i = 0; i <= stream.length; i++) {
    const framer = new StreamFramer();
    assert.deepEqual(summary(feed(framer, [stream.subarray(0, i), stream.subarray(i)])), expected, `split at ${i}`);
    assert.equal(framer.bufferedBytes, 0);
  }
  const bytewise = new StreamFramer();
  assert.deepEqual(summary(feed(bytewise, [...stream].map((b) => Buffer.from([b])))), expected);
});

test('a lone CRLF between messages is a pong', () => {
  const framer = new StreamFramer();
  assert.deepEqual(summary(feed(framer, [Buffer.from('\r\n'), msg1])), ['pong', `message:${msg1.toString('latin1')}`]);
});

test('missing, negative, garbage or conflicting Content-Length is a typed error, and the framer stays failed', () => {
  const cases: [string, string][] = [
    ['INVITE sip:a@h SIP/2.0\r\nCall-ID: 1\r\n\r\n', 'missing-content-length'],
    ['INVITE sip:a@h SIP/2.0\r\nContent-Length: -5\r\n\r\n', 'bad-content-length'],
    ['INVITE sip:a@h SIP/2.0\r\nContent-Length: 12abc\r\n\r\n', 'bad-content-length'],
    ['INVITE sip:a@h SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\n', 'bad-content-length'],
    ['INVITE sip:a@h SIP/2.0\r\nContent-Length: 99999999\r\n\r\n', 'body-too-large'],
  ];
  for (const [text, kind] of cases) {
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i <= bytes.length; i++) {
      const framer = new StreamFramer();
      const events = feed(framer, [bytes.subarray(0, i), bytes.subarray(i)]);
      assert.deepEqual(summary(events), [`error:${kind}`], `${text} split at ${i}`);
      assert.equal(framer.currentState, 'failed');
      assert.deepEqual(summary(framer.push(msg1)), [`error:${kind}`]);
    }
  }
});

test('a header section that never ends is cut off at the cap', () => {
  const framer = new StreamFramer({ maxHeaderBytes: 1024 });
  const events: StreamFramerEvent[] = [];
  for (let i = 0; i < 40 && events.length === 0; i++) events.push(...framer.push(Buffer.from('X-Filler: ' + 'a'.repeat(40) + '\r\n')));
  assert.deepEqual(summary(events), ['error:header-too-large']);
});

test('a body larger than the cap is refused before it arrives', () => {
  const framer = new StreamFramer({ maxBodyBytes: 10 });
  assert.deepEqual(summary(framer.push(Buffer.from('MESSAGE sip:a@h SIP/2.0\r\nl: 11\r\n\r\n'))), ['error:body-too-large']);
});
