/**
 * The call waiting parsers (TS 27.007 §7.12 +CCWA, §7.13 +CHLD): examples, bad input, and the +CCWA
 * URCs of every family's call-waiting transcript framed whole and split at every byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtFramer, type FrameToken } from '../../src/at/framer.js';
import { isCcwaUrc, parseCcwaStatus, parseCcwaUrc, parseChldSupport } from '../../modem-drivers/generic/parse-call-waiting.js';
import { listFixtures, loadTranscript } from '../helpers/transcript.js';

test('+CCWA URC: number, type, class, CLI validity; withheld caller; status lines and garbage refused', () => {
  assert.deepEqual(parseCcwaUrc('+CCWA: "+8613900000002",145,1,"",0'), { ok: true, value: { number: '+8613900000002', numberType: 145, cls: 1, validity: 0 } });
  assert.deepEqual(parseCcwaUrc('+CCWA: "13900000002",129,1'), { ok: true, value: { number: '13900000002', numberType: 129, cls: 1, validity: null } });
  assert.deepEqual(parseCcwaUrc('+CCWA: "",128,1,,1'), { ok: true, value: { number: '', numberType: 128, cls: 1, validity: 1 } });
  for (const bad of ['+CCWA: 1,1', '+CCWA: "123",129', '+CCWA:', '+CLIP: "1",129', '+CCWA: "1",129,x', '']) {
    assert.equal(parseCcwaUrc(bad).ok, false, bad);
  }
  assert.equal(isCcwaUrc('+CCWA: "1",129,1'), true);
  assert.equal(isCcwaUrc('+CCWA: 1,1'), false);
});

test('+CCWA status lines of AT+CCWA=1,2', () => {
  assert.deepEqual(parseCcwaStatus('+CCWA: 1,1'), { ok: true, value: { active: true, cls: 1 } });
  assert.deepEqual(parseCcwaStatus('+CCWA: 0,7'), { ok: true, value: { active: false, cls: 7 } });
  for (const bad of ['+CCWA: 2,1', '+CCWA: "1",129,1', '+CCWA:', 'OK']) assert.equal(parseCcwaStatus(bad).ok, false, bad);
});

test('+CHLD list of AT+CHLD=?: values, 1x/2x, ranges; bad lists refused', () => {
  assert.deepEqual(parseChldSupport('+CHLD: (0,1,1x,2,2x,3,4)'), { ok: true, value: ['0', '1', '1x', '2', '2x', '3', '4'] });
  assert.deepEqual(parseChldSupport('+CHLD: (0-2)'), { ok: true, value: ['0', '1', '2'] });
  assert.deepEqual(parseChldSupport('+CHLD: ()'), { ok: true, value: [] });
  for (const bad of ['+CHLD: 0,1', '+CHLD: (0,abc)', '+CLCC: (0)', '+CHLD: (12)']) assert.equal(parseChldSupport(bad).ok, false, bad);
});

function urcLines(chunks: Uint8Array[]): string[] {
  const f = new AtFramer();
  const out: string[] = [];
  for (const c of chunks) f.feed(c, (t: FrameToken) => {
    if (t.kind === 'line' && isCcwaUrc(t.text)) out.push(t.text);
  });
  return out;
}

const EXPECTED: Record<string, string[]> = {
  'quectel/ec25/call-waiting.txt': ['+8613900000002'],
  'simcom/sim7600/call-waiting.txt': ['13900000002', ''],
};

test('every family transcript: the +CCWA URCs parse alike whole and at every byte split', () => {
  const files = listFixtures().filter((f) => f.endsWith('/call-waiting.txt'));
  assert.deepEqual(files.map((f) => f.split('/fixtures/')[1]).sort(), Object.keys(EXPECTED).sort());
  for (const file of files) {
    const bytes = Buffer.concat(loadTranscript(file).steps.filter((s) => s.dir === 'modem').map((s) => s.data));
    const whole = urcLines([bytes]);
    const numbers = whole.map((l) => {
      const r = parseCcwaUrc(l);
      assert.ok(r.ok, l);
      return r.value.number;
    });
    assert.deepEqual(numbers, EXPECTED[file.split('/fixtures/')[1]!]);
    for (let i = 1; i < bytes.length; i++) assert.deepEqual(urcLines([bytes.subarray(0, i), bytes.subarray(i)]), whole, `${file} split at ${i}`);
  }
});
