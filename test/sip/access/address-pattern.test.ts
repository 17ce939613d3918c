import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddressPattern, parseAddressPatterns } from '../../../src/sip/access/address-pattern.js';

function matcher(text: string) {
  const r = parseAddressPattern(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error}`);
  return (ip: string, port = 5060) => r.pattern.matches(ip, port);
}

test('a single address matches itself only, IPv4-mapped IPv6 included', () => {
  const m = matcher('192.168.1.10');
  assert.equal(m('192.168.1.10'), true);
  assert.equal(m('::ffff:192.168.1.10'), true);
  assert.equal(m('192.168.1.11'), false);
  assert.equal(m('not an ip'), false);
});

test('an address with a port matches that source port only', () => {
  const m = matcher('192.168.1.10:5080');
  assert.equal(m('192.168.1.10', 5080), true);
  assert.equal(m('192.168.1.10', 5060), false);
  const v6 = matcher('[2001:db8::1]:5060');
  assert.equal(v6('2001:db8::1', 5060), true);
  assert.equal(v6('2001:db8::2', 5060), false);
});

test('the manual\'s 192.168.1.X covers the whole last octet, and X may stand in any octet', () => {
  const m = matcher('192.168.1.X');
  assert.equal(m('192.168.1.0'), true);
  assert.equal(m('192.168.1.255'), true);
  assert.equal(m('192.168.2.1'), false);
  const inner = matcher('10.X.0.1');
  assert.equal(inner('10.200.0.1'), true);
  assert.equal(inner('10.200.0.2'), false);
});

test('CIDR networks and ranges', () => {
  const net = matcher('10.0.0.0/24');
  assert.equal(net('10.0.0.77'), true);
  assert.equal(net('10.0.1.1'), false);
  const v6 = matcher('2001:db8::/32');
  assert.equal(v6('2001:db8:ffff::1'), true);
  assert.equal(v6('2001:db9::1'), false);
  const range = matcher('10.0.0.1-10.0.0.20');
  assert.equal(range('10.0.0.20'), true);
  assert.equal(range('10.0.0.21'), false);
});

test('bad patterns are errors that name the input, never throws', () => {
  for (const bad of ['', 'pbx.example.com', '10.0.0.0/33', '10.0.0.300', '10.0.0.9-10.0.0.1', '1.2.3.4:70000', 'X', '10.0.0.Y', '::1-::2', '[::1', null as unknown as string]) {
    const r = parseAddressPattern(bad);
    assert.equal(r.ok, false, String(bad));
  }
  const list = parseAddressPatterns(['10.0.0.1', 'nope', '10.0.0.0/99']);
  assert.equal(list.ok, false);
  assert.equal(list.ok ? 0 : list.errors.length, 2);
});
