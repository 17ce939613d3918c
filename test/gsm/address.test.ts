import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PduError,
  bytesToHex,
  decodeSmscAddress,
  decodeTpAddress,
  encodeSmscAddress,
  encodeTpAddress,
  hexToBytes,
  type AddressType,
} from '../../src/gsm/index.js';

// faucamp/python-gsmmodem test/test_pdu.py TestSmsPduAddressFields: number, octets used, hex.
const TP: [string, number, string, AddressType?][] = [
  ['+9876543210', 7, '0A918967452301'],
  ['+987654321', 7, '099189674523F1'],
  ['+27829135934', 8, '0B917228195339F4'],
  ['abc', 5, '06D061F118'],
  ['FRANCOIS', 9, '0ED04669D0397C26A7'],
  ['a[]{}€', 12, '14D0E10D6FE3DBA036A94D19'],
  ['0129998765', 7, '0AA11092997856', 'national'],
];
for (const [number, octets, hex, type] of TP) {
  test(`python-gsmmodem TP address ${JSON.stringify(number)} <-> ${hex}`, () => {
    assert.equal(bytesToHex(encodeTpAddress(number, type ?? 'auto')), hex);
    // with trailing octets after the field: only the field is consumed
    const { address, length } = decodeTpAddress(hexToBytes(hex + 'D3F1FF0032'));
    assert.equal(length, octets);
    assert.equal(address.number, number);
  });
}

test('TP address types: international 0x91, unknown 0x81, national 0xA1, alphanumeric 0xD0 (TS 23.040 §9.1.2.5)', () => {
  assert.deepEqual(decodeTpAddress(hexToBytes('0B917228195339F4')).address, {
    number: '+27829135934',
    ton: 'international',
    npi: 1,
    toa: 0x91,
  });
  assert.equal(decodeTpAddress(hexToBytes('03812143')).address.ton, 'unknown');
  assert.equal(decodeTpAddress(hexToBytes('0AA11092997856')).address.ton, 'national');
  assert.deepEqual(decodeTpAddress(hexToBytes('0ED04669D0397C26A7')).address, {
    number: 'FRANCOIS',
    ton: 'alphanumeric',
    npi: 0,
    toa: 0xd0,
  });
  assert.equal(bytesToHex(encodeTpAddress('123')), '038121F3');
  assert.equal(bytesToHex(encodeTpAddress('+49 171 (076) 00-00')), '0C91947101670000');
  assert.equal(bytesToHex(encodeTpAddress('123', 'international')), '039121F3');
  assert.equal(bytesToHex(encodeTpAddress('*100#')), '05811A00FB');
});

test('BCD digits * # a b c and F filler (TS 24.008 §10.5.4.7)', () => {
  assert.equal(decodeTpAddress(hexToBytes('05811A0BF0')).address.number, '*1#00');
  assert.equal(bytesToHex(encodeTpAddress('*1#00')), '05811A0BF0');
  assert.equal(decodeTpAddress(hexToBytes('0381DCFE')).address.number, 'abc');
});

// python-gsmmodem TestSmsPduSmscFields and frontlinesms/smslib CServiceTest.testSendMessage_PDU.
const SMSC: [string, string, AddressType?][] = [
  ['+9876543210', '06918967452301'],
  ['+987654321', '069189674523F1'],
  ['+2782913593', '06917228195339'],
  ['07890123456', '07A17098103254F6', 'national'],
  ['0789012345', '06A17098103254', 'national'],
  ['+447890123456', '07914487092143 65'.replace(' ', '')],
  ['+44789012345', '07914487092143F5'],
];
for (const [number, hex, type] of SMSC) {
  test(`SMSC field ${number} <-> ${hex} (python-gsmmodem / smslib)`, () => {
    assert.equal(bytesToHex(encodeSmscAddress(number, type ?? 'auto')), hex);
    const { address, length } = decodeSmscAddress(hexToBytes(hex + '000000'));
    assert.equal(length, hex.length / 2);
    assert.equal(address?.number, number);
  });
}

test('SMSC field 00 means "use the SIM\'s SMSC"', () => {
  assert.equal(bytesToHex(encodeSmscAddress(undefined)), '00');
  assert.equal(bytesToHex(encodeSmscAddress('  ')), '00');
  assert.deepEqual(decodeSmscAddress(hexToBytes('00')), { address: undefined, length: 1 });
});

test('bad numbers are refused with a PduError naming the problem', () => {
  assert.throws(() => encodeTpAddress('1'.repeat(21)), (e) => e instanceof PduError && /20 fit/.test(e.message));
  assert.throws(() => encodeTpAddress('TooLongSender'), (e) => e instanceof PduError && /11 septets/.test(e.message));
  assert.throws(() => encodeTpAddress('Łódź'), (e) => e instanceof PduError && /"Ł"/.test(e.message));
  assert.throws(() => encodeTpAddress('12x4', 'international'), PduError);
  assert.throws(() => encodeSmscAddress('Operator'), PduError);
  assert.throws(() => decodeTpAddress(hexToBytes('0B9172')), (e) => e instanceof PduError && e.code === 'truncated');
});
