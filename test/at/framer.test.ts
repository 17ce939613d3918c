import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtFramer, MAX_LINE, type FrameToken } from '../../src/at/framer.js';
import { listFixtures, loadTranscript, modemBytes } from '../helpers/transcript.js';

function frame(chunks: Uint8Array[]): FrameToken[] {
  const f = new AtFramer();
  const out: FrameToken[] = [];
  for (const c of chunks) f.feed(c, (t) => out.push(t));
  return out;
}

const lines = (ts: FrameToken[]) => ts.map((t) => (t.kind === 'line' ? t.text : t.kind === 'prompt' ? '<prompt>' : `<garbage ${t.bytes}>`));

test('every fixture transcript frames identically whole, split at every offset, and byte by byte', () => {
  const files = listFixtures();
  assert.ok(files.length >= 7, `expected fixtures, found ${files.length}`);
  for (const file of files) {
    const bytes = modemBytes(loadTranscript(file));
    const whole = frame([bytes]);
    for (let i = 1; i < bytes.length; i++) {
      assert.deepEqual(frame([bytes.subarray(0, i), bytes.subarray(i)]), whole, `${file} split at ${i}`);
    }
    const single: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) single.push(bytes.subarray(i, i + 1));
    assert.deepEqual(frame(single), whole, `${file} byte by byte`);
  }
});

test('CRLF, bare LF and bare CR frame the same lines', () => {
  const t = loadTranscript(listFixtures('at').find((f) => f.endsWith('line-endings.txt'))!);
  const replies = t.steps.filter((s) => s.dir === 'modem').map((s) => lines(frame([s.data])));
  assert.deepEqual(replies[0], ['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G', 'OK']);
  assert.deepEqual(replies[1], ['SIMCOM INCORPORATED', 'SIMCOM_SIM7600E-H', 'Revision:SIM7600M22_V1.1', 'OK']);
  assert.deepEqual(replies[2], ['SIMCOM INCORPORATED', 'SIMCOM_SIM7600G-H', 'Revision:LE20B04SIM7600G22', 'OK']);
});

test('echo terminated by CR alone is its own line', () => {
  assert.deepEqual(lines(frame([Buffer.from('AT+CSQ\r\r\n+CSQ: 23,99\r\n\r\nOK\r\n')])), ['AT+CSQ', '+CSQ: 23,99', 'OK']);
});

test('the "> " prompt is recognised at a line start without a terminator, its space swallowed', () => {
  assert.deepEqual(lines(frame([Buffer.from('\r\n> ')])), ['<prompt>']);
  assert.deepEqual(lines(frame([Buffer.from('\r\n>'), Buffer.from(' ')])), ['<prompt>']);
  // a URC line between prompt and the final result
  assert.deepEqual(lines(frame([Buffer.from('\r\n> \r\n+CMTI: "SM",2\r\n\r\n+CMGS: 4\r\n\r\nOK\r\n')])), [
    '<prompt>',
    '+CMTI: "SM",2',
    '+CMGS: 4',
    'OK',
  ]);
  // '>' in the middle of a line is text
  assert.deepEqual(lines(frame([Buffer.from('\r\n+CUSD: 0,"a>b",15\r\n')])), ['+CUSD: 0,"a>b",15']);
});

test('garbage bytes are dropped from the line and reported before it', () => {
  const ts = frame([Buffer.from([0, 0, 0xff, 0xfe, 13, 10, 0x2b, 0x43, 0x53, 0xff, 0x51, 0x3a, 0x20, 0x31, 13, 10])]);
  assert.deepEqual(lines(ts), ['<garbage 4>', '<garbage 1>', '+CSQ: 1']);
  const g = ts[0]!;
  assert.equal(g.kind === 'garbage' && g.sample, '\\x00\\x00\\xff\\xfe');
});

test('Ctrl-Z and ESC echoed after a PDU are not counted as garbage', () => {
  assert.deepEqual(lines(frame([Buffer.from('0011AB\x1a\r\n+CMGS: 1\r\n')])), ['0011AB', '+CMGS: 1']);
});

test('an over-long line is dropped as garbage and the next line survives', () => {
  const long = Buffer.alloc(MAX_LINE + 100, 0x41);
  const ts = frame([long, Buffer.from('\r\nOK\r\n')]);
  assert.deepEqual(lines(ts), [`<garbage ${MAX_LINE + 100}>`, 'OK']);
  // same result when fed in small pieces
  const pieces: Buffer[] = [];
  for (let i = 0; i < long.length; i += 7) pieces.push(long.subarray(i, i + 7));
  assert.deepEqual(lines(frame([...pieces, Buffer.from('\r\nOK\r\n')])), lines(ts));
});
