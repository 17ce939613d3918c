import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { isIP, isIPv4, isIPv6 } from '../../src/config/ip-literal.js';

const SAMPLES = [
  '', '0.0.0.0', '127.0.0.1', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4 ', ' 1.2.3.4',
  '::', '::1', '1::', '2001:db8::1', '2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::1::2', 'fe80::1%eth0',
  'fe80::%25', '::ffff:10.0.0.1', '::ffff:10.0.0.256', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:1.2.3.4',
  'gggg::1', '[::1]', 'localhost', '0.0.0.0/8', '12345::', ':1', '1:', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8',
];

test('IP literals are judged as node:net judges them', () => {
  const random = Array.from({ length: 2000 }, (_, i) => {
    const alphabet = '0123456789abcdefABCDEF:.%x';
    let s = '';
    let seed = i * 2654435761;
    const len = 1 + (i % 24);
    for (let k = 0; k < len; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += alphabet[seed % alphabet.length];
    }
    return s;
  });
  for (const s of [...SAMPLES, ...random]) {
    assert.equal(isIPv4(s), net.isIPv4(s), `isIPv4(${JSON.stringify(s)})`);
    assert.equal(isIPv6(s), net.isIPv6(s), `isIPv6(${JSON.stringify(s)})`);
    assert.equal(isIP(s), net.isIP(s), `isIP(${JSON.stringify(s)})`);
  }
});
