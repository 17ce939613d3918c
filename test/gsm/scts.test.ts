import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PduError, bytesToHex, decodeScts, encodeScts, hexToBytes } from '../../src/gsm/index.js';

// faucamp/python-gsmmodem test/test_pdu.py TestTimestamp: local time, zone (hours), semi-octets.
const VECTORS: [string, number, string][] = [
  ['2015-11-27T00:00:00', 0, '51117200000000'],
  ['2015-11-27T00:00:00', 2, '51117200000080'],
  ['2007-04-12T23:25:42', 8, '70402132522423'],
  ['2007-04-12T23:25:42', -8, '7040213252242B'],
];
for (const [local, hours, hex] of VECTORS) {
  test(`python-gsmmodem timestamp ${local} UTC${hours >= 0 ? '+' : ''}${hours} <-> ${hex}`, () => {
    const instant = new Date(Date.parse(local + 'Z') - hours * 3_600_000);
    const ts = decodeScts(hexToBytes(hex));
    assert.equal(ts.date.toISOString(), instant.toISOString());
    assert.equal(ts.tzMinutes, hours * 60);
    assert.equal(bytesToHex(encodeScts(instant, hours * 60)), hex);
  });
}

test('the zone is in quarters of an hour with bit 3 as sign (TS 23.040 §9.2.3.11)', () => {
  // 0x22 = 22 quarters = +5:30; 0x0A = sign + 20 quarters = -5:00; 0x48 = sign + 4 = -1:00
  assert.equal(decodeScts(hexToBytes('91805080905322')).tzMinutes, 330);
  assert.equal(decodeScts(hexToBytes('0160124130340A')).tzMinutes, -300);
  assert.equal(decodeScts(hexToBytes('20806291731448')).tzMinutes, -60);
  assert.equal(bytesToHex(encodeScts(new Date('2019-08-05T02:39:35Z'), 330)), '91805080905322');
});

test('two-digit years: 90..99 are 199x, 00..89 are 20xx', () => {
  assert.equal(decodeScts(hexToBytes('99309251619580')).date.getUTCFullYear(), 1999);
  assert.equal(decodeScts(hexToBytes('52012121000080')).date.getUTCFullYear(), 2025);
  assert.throws(() => encodeScts(new Date('2095-01-01T00:00:00Z')), PduError);
});

test('impossible or non-BCD fields are PduErrors', () => {
  assert.throws(() => decodeScts(hexToBytes('99319251619580')), (e) => e instanceof PduError && e.code === 'invalid'); // month 13
  assert.throws(() => decodeScts(hexToBytes('9930925161F580')), (e) => e instanceof PduError && /BCD/.test(e.message));
  assert.throws(() => decodeScts(hexToBytes('993092')), (e) => e instanceof PduError && e.code === 'truncated');
  assert.throws(() => encodeScts(new Date('2020-01-01T00:00:00Z'), 10), PduError);
  assert.throws(() => encodeScts(new Date(Number.NaN)), PduError);
});

test('a negative zone of -9:45 (39 quarters) encodes as 0x9B: tens 3 with the sign bit, units 9', () => {
  const enc = encodeScts(new Date('2024-01-01T00:00:00Z'), -585);
  assert.equal(enc[6], 0x9b);
  assert.equal(decodeScts(enc).tzMinutes, -585);
});

test('a non-BCD zone octet (0xA0, sent by some networks) throws, or with lenientZone gives a timestamp of unknown zone', () => {
  const hex = '909070618422A0';
  assert.throws(() => decodeScts(hexToBytes(hex)), (e) => e instanceof PduError && /BCD/.test(e.message));
  const ts = decodeScts(hexToBytes(hex), 0, 'TP-DT', { lenientZone: true });
  assert.equal(ts.zoneUnknown, true);
  assert.equal(ts.tzMinutes, 0);
  assert.equal(ts.date.toISOString(), '2009-09-07T16:48:22.000Z');
  // The other fields stay strict, and a valid zone is not flagged.
  assert.throws(() => decodeScts(hexToBytes('993192516195A0'), 0, 'TP-DT', { lenientZone: true }), PduError);
  assert.equal(decodeScts(hexToBytes('90907061842280'), 0, 'TP-DT', { lenientZone: true }).zoneUnknown, undefined);
});
