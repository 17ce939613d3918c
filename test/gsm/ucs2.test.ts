import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, decodeUcs2, encodeUcs2, hexToBytes, ucs2Length } from '../../src/gsm/index.js';

// faucamp/python-gsmmodem test/test_pdu.py TestUcs2
for (const [text, hex] of [
  ['あ叶葉', '304253F68449'],
  ['はい', '306F3044'],
] as const) {
  test(`python-gsmmodem TestUcs2 vector ${text}`, () => {
    assert.equal(bytesToHex(encodeUcs2(text)), hex);
    assert.equal(decodeUcs2(hexToBytes(hex)), text);
  });
}

test('a character outside the BMP is a surrogate pair: 2 code units, 4 octets (U+1F600 = D83D DE00)', () => {
  assert.equal(bytesToHex(encodeUcs2('😀')), 'D83DDE00');
  assert.equal(ucs2Length('😀'), 2);
  assert.equal(decodeUcs2(hexToBytes('0048D83DDE000021')), 'H😀!');
});

test('an odd trailing octet is dropped; lone surrogates are kept', () => {
  assert.equal(decodeUcs2(hexToBytes('004100')), 'A');
  assert.equal(decodeUcs2(hexToBytes('D83D0041')), '\ud83dA');
  assert.equal(decodeUcs2(new Uint8Array(0)), '');
});

test('long input is decoded in chunks', () => {
  const text = 'Ж'.repeat(10_000);
  assert.equal(decodeUcs2(encodeUcs2(text)), text);
});
