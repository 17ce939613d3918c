import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { networkView } from '../../src/system/network-view.js';

const v4 = (address: string, cidr: string | null, mac: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac, internal, cidr });
const v6 = (address: string, cidr: string, mac: string): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac, internal: false, cidr, scopeid: 2 });

test('external interfaces by name, loopback left out, IPv4 before IPv6, each address with its prefix', () => {
  const view = networkView({
    wwan0: [v4('10.64.3.7', '10.64.3.7/30', '00:00:00:00:00:00')],
    lo: [v4('127.0.0.1', '127.0.0.1/8', '00:00:00:00:00:00', true)],
    eth0: [v6('fe80::1', 'fe80::1/64', '52:54:00:12:34:56'), v4('192.168.8.1', '192.168.8.1/24', '52:54:00:12:34:56')],
    empty: [],
  });
  assert.deepEqual(view, [
    { name: 'eth0', mac: '52:54:00:12:34:56', addresses: [{ family: 'IPv4', cidr: '192.168.8.1/24' }, { family: 'IPv6', cidr: 'fe80::1/64' }] },
    { name: 'wwan0', mac: null, addresses: [{ family: 'IPv4', cidr: '10.64.3.7/30' }] },
  ]);
});

test('an address whose netmask the system did not give is shown without a prefix', () => {
  assert.deepEqual(networkView({ ppp0: [v4('100.64.0.9', null, '00:00:00:00:00:00')] }), [{ name: 'ppp0', mac: null, addresses: [{ family: 'IPv4', cidr: '100.64.0.9' }] }]);
});
