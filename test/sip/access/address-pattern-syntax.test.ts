import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddressShape } from '../../../src/sip/access/address-pattern-syntax.js';
import { parseAddressPattern } from '../../../src/sip/access/address-pattern.js';

test('address pattern syntax is parsed into plain shapes, without node:net', () => {
  assert.deepEqual(parseAddressShape(' 10.0.0.0/24 '), { ok: true, text: '10.0.0.0/24', shape: { kind: 'subnet', net: '10.0.0.0', bits: 24, family: 'ipv4' } });
  assert.deepEqual(parseAddressShape('192.168.1.X:5080'), { ok: true, text: '192.168.1.X:5080', shape: { kind: 'range', from: '192.168.1.0', to: '192.168.1.255', port: 5080 } });
  assert.deepEqual(parseAddressShape('10.X.0.1'), { ok: true, text: '10.X.0.1', shape: { kind: 'octets', octets: [10, null, 0, 1] } });
  assert.deepEqual(parseAddressShape('[2001:db8::1]:5060'), { ok: true, text: '[2001:db8::1]:5060', shape: { kind: 'address', host: '2001:db8::1', family: 'ipv6', port: 5060 } });
});

test('a range written high to low is refused with a message of its own, in the syntax and the matcher alike', () => {
  const r = parseAddressShape('10.0.0.9-10.0.0.1');
  assert.deepEqual(r, { ok: false, error: '"10.0.0.9-10.0.0.1": a range starts at its lower address' });
  assert.deepEqual(parseAddressPattern('10.0.0.9-10.0.0.1'), r);
  for (const bad of ['', 'pbx.example.com', '10.0.0.0/33', '1.2.3.4:70000', '10.0.0.Y']) {
    const s = parseAddressShape(bad);
    const m = parseAddressPattern(bad);
    assert.equal(s.ok, false, bad);
    assert.deepEqual(m, s, `${bad}: the matcher reports what the syntax reports`);
  }
});
