import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, decodeUssd, decodeUssdDcs, encodeUcs2, encodeUssd, gsmCharsetToText } from '../../src/gsm/index.js';

// Packed USSD requests that circulate in modem balance scripts, e.g. a C tool's comment
// "AA18AC3602 - *105#; AA180C3602 - *100#; AA1C0CA682C546 - *900*01#" (found via code search).
for (const [text, hex] of [
  ['*100#', 'AA180C3602'],
  ['*105#', 'AA18AC3602'],
  ['*900*01#', 'AA1C0CA682C546'],
] as const) {
  test(`packed USSD ${text} <-> ${hex}`, () => {
    assert.equal(encodeUssd(text), hex);
    assert.deepEqual(decodeUssd(hex, 15), { text, encoding: 'gsm7' });
  });
}

test('7 spare bits are padded with CR and the CR is dropped again (TS 23.038 §6.1.2.3.1)', () => {
  const hex = encodeUssd('1234567')!; // 7 septets: 49 bits in 7 octets, 7 spare bits
  assert.equal(hex.length, 14);
  assert.equal(hexFromLastSeptet(hex), 0x0d);
  assert.equal(decodeUssd(hex, 0x0f).text, '1234567');
  // a wanted CR that would end on an octet boundary gets a second CR (the receiver does CR twice)
  assert.equal(decodeUssd(encodeUssd('abcdefg\r')!, 0x0f).text, 'abcdefg\r\r');
  assert.equal(encodeUssd('Łódź'), undefined);
});

function hexFromLastSeptet(hex: string): number {
  const bytes = Buffer.from(hex, 'hex');
  return bytes[bytes.length - 1]! >> 1;
}

test('GSM 7-bit delivered as plain text: not hex, or the modem runs +CSCS="IRA"/"GSM"', () => {
  assert.deepEqual(decodeUssd('Your balance is 10.50 EUR', 15), { text: 'Your balance is 10.50 EUR', encoding: 'text' });
  assert.deepEqual(decodeUssd('1234', 15, { charset: 'IRA' }), { text: '1234', encoding: 'text' });
  // unknown charset: "1234" is hex but unpacks to 'Φh', so it stays text
  assert.deepEqual(decodeUssd('1234', 15), { text: '1234', encoding: 'text' });
  // +CSCS="GSM": characters are septet codes ('@' = 0x00, ESC sequences reach the extension table)
  assert.deepEqual(decodeUssd('Cost\u0000\u0002 5\u001be', 15, { charset: 'GSM' }), { text: 'Cost@$ 5€', encoding: 'text' });
  assert.equal(gsmCharsetToText('Grüße'), 'Grüße');
});

test('charset HEX gives unpacked septets, charset UCS2 gives UCS2 hex', () => {
  assert.equal(decodeUssd('2A3130302300', 15, { charset: 'HEX' }).text, '*100#@');
  assert.deepEqual(decodeUssd(bytesToHex(encodeUcs2('Balance: 5$')), 15, { charset: 'UCS2' }), { text: 'Balance: 5$', encoding: 'ucs2' });
  assert.equal(decodeUssd('AA180C3602', 15, { format: 'packed-hex', charset: 'IRA' }).text, '*100#');
  assert.equal(decodeUssd('not hex', 15, { format: 'packed-hex' }).text, 'not hex');
});

test('UCS2 data coding: 0x48 (general group) and 0x11 (language indication, 2 packed septets first)', () => {
  const hex = bytesToHex(encodeUcs2('Баланс: 10 руб.'));
  assert.deepEqual(decodeUssd(hex, 72), { text: 'Баланс: 10 руб.', encoding: 'ucs2' });
  // 'ru' packed: r=0x72, u=0x75 -> F2 3A
  assert.deepEqual(decodeUssd('F23A' + hex, 0x11), { text: 'Баланс: 10 руб.', encoding: 'ucs2', language: 'ru' });
  assert.deepEqual(decodeUssd('Привет', 72), { text: 'Привет', encoding: 'text' });
});

test('8-bit data coding and the GSM language groups', () => {
  assert.deepEqual(decodeUssd('48656C6C6F', 0x44), { text: 'Hello', encoding: '8bit' });
  assert.deepEqual(decodeUssd('48656C6C6F', 0xf4), { text: 'Hello', encoding: '8bit' });
  assert.equal(decodeUssd('AA180C3602', 0x01).language, 'en');
  assert.deepEqual(decodeUssd('EN\rHello', 0x10), { text: 'Hello', encoding: 'text', language: 'en' });
  assert.deepEqual(decodeUssdDcs(0x23), { encoding: 'gsm7', language: 'ru', languagePrefix: false, reserved: false });
  assert.equal(decodeUssdDcs(0x80).reserved, true);
  assert.equal(decodeUssdDcs(0x80).encoding, 'gsm7');
});
