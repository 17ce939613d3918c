import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PduError,
  buildUdh,
  bytesToHex,
  concatElement,
  hexToBytes,
  parseUdh,
  udhFillBits,
  udhSeptets,
} from '../../src/gsm/index.js';

// faucamp/python-gsmmodem test/test_pdu.py TestUdhConcatenation: (ref, seq, total, IE hex).
for (const [ref, seq, total, ie, bits] of [
  [23, 1, 3, '0003170301', 8],
  [384, 2, 4, '080401800402', 16],
] as const) {
  test(`python-gsmmodem concatenation element ${ie}`, () => {
    const el = concatElement({ ref, total, seq });
    assert.equal(bytesToHex(Uint8Array.of(el.iei, el.data.length, ...el.data)), ie);
    const udhHex = bytesToHex(buildUdh([el]));
    assert.equal(udhHex, (ie.length / 2).toString(16).padStart(2, '0').toUpperCase() + ie);
    const { udh, length } = parseUdh(hexToBytes(udhHex + 'C8329BFD06'));
    assert.equal(length, ie.length / 2 + 1);
    assert.deepEqual(udh.concat, { ref, total, seq, refBits: bits });
  });
}

test('other elements (application ports, python-gsmmodem TestUdhPortAddress) are kept raw', () => {
  const { udh } = parseUdh(hexToBytes('0A' + '04026432' + '050404D21466'));
  assert.deepEqual(
    udh.elements.map((e) => [e.iei, bytesToHex(e.data)]),
    [
      [0x04, '6432'],
      [0x05, '04D21466'],
    ],
  );
  assert.equal(udh.concat, undefined);
});

test('a concatenation element with total 0, seq 0 or seq > total is ignored (TS 23.040 §9.2.3.24.1)', () => {
  for (const ie of ['0003170001', '0003170300', '0003170204']) {
    const { udh } = parseUdh(hexToBytes('05' + ie));
    assert.equal(udh.concat, undefined, ie);
    assert.equal(udh.elements.length, 1);
  }
});

test('a repeated element: the last occurrence is used (TS 23.040 §9.2.3.24)', () => {
  const { udh } = parseUdh(hexToBytes('0A' + '0003170301' + '0003180202'));
  assert.deepEqual(udh.concat, { ref: 0x18, total: 2, seq: 2, refBits: 8 });
});

test('lengths that run past the header or the data are PduErrors', () => {
  assert.throws(() => parseUdh(hexToBytes('06000317')), (e) => e instanceof PduError && e.code === 'length');
  assert.throws(() => parseUdh(hexToBytes('0400051703')), (e) => e instanceof PduError && /runs past UDHL/.test(e.message));
  assert.throws(() => parseUdh(hexToBytes('0100')), (e) => e instanceof PduError);
  assert.throws(() => parseUdh(new Uint8Array(0)), PduError);
  assert.deepEqual(parseUdh(hexToBytes('00')).udh.elements, []);
});

test('septets and fill bits taken by a header in 7-bit user data (TS 23.040 §9.2.3.24)', () => {
  assert.equal(udhSeptets(6), 7);
  assert.equal(udhFillBits(6), 1);
  assert.equal(udhSeptets(7), 8);
  assert.equal(udhFillBits(7), 0);
  assert.equal(udhSeptets(1), 2);
  assert.equal(udhFillBits(1), 6);
  assert.equal(udhFillBits(12), 2);
});

test('building refuses values that do not fit', () => {
  assert.throws(() => concatElement({ ref: 300, total: 2, seq: 1, refBits: 8 }), PduError);
  assert.throws(() => concatElement({ ref: 1, total: 2, seq: 3 }), PduError);
  assert.throws(() => concatElement({ ref: 1, total: 256, seq: 1 }), PduError);
  assert.throws(() => buildUdh([{ iei: 0x70, data: new Uint8Array(200) }]), PduError);
  assert.equal(concatElement({ ref: 0x1234, total: 2, seq: 1 }).iei, 0x08);
});
