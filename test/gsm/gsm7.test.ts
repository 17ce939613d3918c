import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GSM7_BASIC_CHARS,
  GSM7_EXTENSION_CHARS,
  bytesToHex,
  decodeGsm7,
  encodeGsm7,
  firstNonGsm7,
  gsm7Length,
  hexToBytes,
  isGsm7,
  packSeptets,
  unpackSeptets,
} from '../../src/gsm/index.js';

const packText = (t: string, fill = 0) => bytesToHex(packSeptets(encodeGsm7(t)!, fill));
const unpackText = (hex: string, n: number, fill = 0) => decodeGsm7(unpackSeptets(hexToBytes(hex), n, fill));

test('"hellohello" packs to E8329BFD4697D9EC37 (dreamfabric.com "SMS and the PDU format")', () => {
  assert.equal(packText('hellohello'), 'E8329BFD4697D9EC37');
  assert.equal(unpackText('E8329BFD4697D9EC37', 10), 'hellohello');
});

// faucamp/python-gsmmodem test/test_pdu.py TestGsm7: text, septet values, packed octets.
const PYTHON_GSMMODEM: [string, number[], number[]][] = [
  ['123', [49, 50, 51], [49, 217, 12]],
  ['12345678', [49, 50, 51, 52, 53, 54, 55, 56], [49, 217, 140, 86, 179, 221, 112]],
  ['Hello World!', [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x57, 0x6f, 0x72, 0x6c, 0x64, 0x21], [200, 50, 155, 253, 6, 93, 223, 114, 54, 57, 4]],
  ['[{abc}]~', [0x1b, 0x3c, 0x1b, 0x28, 0x61, 0x62, 0x63, 0x1b, 0x29, 0x1b, 0x3e, 0x1b, 0x3d], [27, 222, 6, 21, 22, 143, 55, 169, 141, 111, 211, 3]],
  ['{åΦΓΛΩΠΨΣΘ€}', [27, 40, 15, 18, 19, 20, 21, 22, 23, 24, 25, 27, 101, 27, 41], [27, 212, 67, 50, 161, 84, 44, 23, 76, 102, 83, 222, 164, 0]],
  ['a[]{}€', [97, 27, 60, 27, 62, 27, 40, 27, 41, 27, 101], [225, 13, 111, 227, 219, 160, 54, 169, 77, 25]],
];

for (const [text, septets, packed] of PYTHON_GSMMODEM) {
  test(`python-gsmmodem TestGsm7 vector ${JSON.stringify(text)}`, () => {
    assert.deepEqual(Array.from(encodeGsm7(text)!), septets);
    assert.deepEqual(Array.from(packSeptets(septets)), packed);
    assert.deepEqual(Array.from(unpackSeptets(packed, septets.length)), septets);
    assert.equal(decodeGsm7(septets), text);
  });
}

// JulianWowra/node-pdu tests/7bit-encoding-decoding.test.ts
const NODE_PDU: [string, string, number?][] = [
  ['abcdefghijklmnopqrstuvwxyz', '61F1985C369FD169F59ADD76BFE171F99C5EB7DFF1793D'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', '41E19058341E9149E592D9743EA151E9945AB55EB1592D'],
  ['0123456789', 'B0986C46ABD96EB81C'],
  ['a', '61'],
  ['abcdefg', '61F1985C369F01'],
  ['abcdefgh', '61F1985C369FD1'],
  ['{test}', '1B14BD3CA76F52'],
  ['abc', '088BC7', 3],
];
for (const [text, hex, fill] of NODE_PDU) {
  test(`node-pdu 7-bit vector ${JSON.stringify(text)}${fill ? ` with ${fill} fill bits` : ''}`, () => {
    assert.equal(packText(text, fill ?? 0), hex);
    assert.equal(unpackText(hex, gsm7Length(text)!, fill ?? 0), text);
  });
}

test('a trailing "@" survives when the septet count is known (the node-pdu "7-bit loss" case)', () => {
  const packed = packSeptets(encodeGsm7('abcdefg@')!);
  assert.equal(bytesToHex(packed), '61F1985C369F01');
  assert.equal(decodeGsm7(unpackSeptets(packed, 8)), 'abcdefg@');
  assert.equal(decodeGsm7(unpackSeptets(packed, 7)), 'abcdefg');
});

test('the extension table (TS 23.038 §6.2.1.1): form feed ^ { } \\ [ ~ ] | € count two septets', () => {
  assert.deepEqual([...GSM7_EXTENSION_CHARS].sort(), ['\f', '[', '\\', ']', '^', '{', '|', '}', '~', '€'].sort());
  for (const ch of GSM7_EXTENSION_CHARS) {
    assert.equal(gsm7Length(ch), 2, ch);
    const s = encodeGsm7(ch)!;
    assert.equal(s[0], 0x1b);
    assert.equal(decodeGsm7(s), ch);
  }
  assert.deepEqual(Array.from(encodeGsm7('€')!), [0x1b, 0x65]);
  assert.equal(gsm7Length('Price: 5€ [x]'), 16);
});

test('every default-table character round-trips through septets and packing', () => {
  assert.equal(GSM7_BASIC_CHARS.length, 127);
  const text = GSM7_BASIC_CHARS.join('');
  const septets = encodeGsm7(text)!;
  assert.equal(septets.length, 127);
  for (let fill = 0; fill < 7; fill++) {
    assert.equal(decodeGsm7(unpackSeptets(packSeptets(septets, fill), septets.length, fill)), text);
  }
});

test('ESC followed by a code the extension table lacks shows the default-table character; ESC ESC and a final ESC show a space', () => {
  assert.equal(decodeGsm7([0x41, 0x1b, 0x41]), 'AA');
  assert.equal(decodeGsm7([0x1b, 0x1b, 0x41]), ' A');
  assert.equal(decodeGsm7([0x41, 0x1b]), 'A ');
});

test('characters outside the alphabet are reported with their index; surrogate pairs stay whole', () => {
  assert.equal(isGsm7('Hello @ £5 ¿Qué? 10€'), true);
  assert.equal(isGsm7('Qué tal, ¿cómo?'), false); // 'ó' is not in the default alphabet
  assert.deepEqual(firstNonGsm7('Qué tal, ¿cómo?'), { char: 'ó', index: 11 });
  assert.deepEqual(firstNonGsm7('abc ç'), { char: 'ç', index: 4 });
  assert.deepEqual(firstNonGsm7('ok 😀!'), { char: '😀', index: 3 });
  assert.equal(encodeGsm7('ok 😀!'), undefined);
  assert.equal(gsm7Length('ok 😀!'), undefined);
  assert.equal(isGsm7(''), true);
});

test('unpacking never reads past the octets', () => {
  assert.equal(unpackSeptets(Uint8Array.of(0xff), 5).length, 1);
  assert.equal(unpackSeptets(new Uint8Array(0), 5).length, 0);
  assert.equal(unpackSeptets(Uint8Array.of(0xff, 0xff), 2, 6).length, 1);
});
