import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanUsbModems, scanUsbSerialPorts } from '../../src/line/usb-discovery.js';
import { atPortOf, secondaryAtPortOf } from '../../src/line/serial-port-provider.js';
import { buildSysfs } from '../helpers/fake-sysfs.js';

test('USB serial ports are grouped per modem with vendor/product ids and interface numbers', () => {
  const root = mkdtempSync(join(tmpdir(), 'cg-sysfs-'));
  const roots = buildSysfs(root, [
    { usbPath: '1-1.3', vendorId: 0x2c7c, productId: 0x0125, firstTty: 0, interfaces: 4 },
    { usbPath: '1-1.4', vendorId: 0x1e0e, productId: 0x9001, firstTty: 4, interfaces: 5 },
  ]);
  const ports = scanUsbSerialPorts(roots);
  assert.equal(ports.length, 9);
  const modems = scanUsbModems(roots);
  assert.deepEqual(
    modems.map((m) => [m.usbPath, m.vendorId, m.productId, m.ports.map((p) => p.interfaceNumber)]),
    [
      ['1-1.3', 0x2c7c, 0x0125, [0, 1, 2, 3]],
      ['1-1.4', 0x1e0e, 0x9001, [0, 1, 2, 3, 4]],
    ],
  );
  // the AT port is interface 2 on both families (EC25: DM, NMEA, AT, modem; SIM7600: diag, NMEA, AT, modem, audio)
  assert.equal(atPortOf(modems[0]!), join(roots.dev, 'ttyUSB2'));
  assert.equal(atPortOf(modems[1]!), join(roots.dev, 'ttyUSB6'));
  // the second AT port (probed while the AT port waits for the network) is the modem interface 3
  assert.equal(secondaryAtPortOf(modems[0]!), join(roots.dev, 'ttyUSB3'));
  assert.equal(secondaryAtPortOf(modems[1]!), join(roots.dev, 'ttyUSB7'));
  assert.equal(secondaryAtPortOf(modems[0]!, 'generic'), null, 'a generic modem has none');
});

test('a missing or unreadable sysfs gives no ports instead of an error', () => {
  assert.deepEqual(scanUsbSerialPorts({ sys: '/nonexistent-sys', dev: '/dev' }), []);
});
