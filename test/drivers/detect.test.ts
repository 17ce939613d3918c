import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  atInterfaceNumber,
  cleanIdentity,
  detectFamily,
  parseUsbId,
  pcmInterfaceNumber,
  usbInterfaceRole,
  type ModemIdHints,
} from '../../modem-drivers/detect.js';
import type { Family } from '../../modem-drivers/types.js';
import { openModem } from '../../modem-drivers/modem.js';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { ScriptedModem } from '../helpers/transcript.js';

const table: [string, ModemIdHints, Family][] = [
  ['Quectel manufacturer', { manufacturer: 'Quectel' }, 'quectel'],
  ['Quectel model EC25', { model: 'EC25' }, 'quectel'],
  ['Quectel model EG25', { model: 'EG25' }, 'quectel'],
  ['Quectel model EC21', { model: 'EC21' }, 'quectel'],
  ['Quectel model EG91', { model: 'EG91' }, 'quectel'],
  ['Quectel revision EC25', { revision: 'EC25EFAR06A06M4G' }, 'quectel'],
  ['Quectel revision EG25-G', { revision: 'EG25GGBR07A08M2G' }, 'quectel'],
  ['Quectel revision with ATI prefix', { revision: 'Revision: EC25EFAR06A06M4G' }, 'quectel'],
  ['SIMCom manufacturer', { manufacturer: 'SIMCOM INCORPORATED' }, 'simcom'],
  ['SIMCom manufacturer (SimTech USB string)', { manufacturer: 'SimTech, Incorporated' }, 'simcom'],
  ['SIMCom model E-H', { model: 'SIMCOM_SIM7600E-H' }, 'simcom'],
  ['SIMCom model G-H', { model: 'SIMCOM_SIM7600G-H' }, 'simcom'],
  ['SIMCom revision with +CGMR prefix', { revision: '+CGMR: LE20B04SIM7600G22' }, 'simcom'],
  ['SIMCom revision', { revision: 'LE20B04SIM7600M22' }, 'simcom'],
  ['Quectel USB EC25', { usbVendorId: 0x2c7c, usbProductId: 0x0125 }, 'quectel'],
  ['Quectel USB EC21 as hex text', { usbVendorId: '2c7c', usbProductId: '0121' }, 'quectel'],
  ['Quectel USB EG91 as 0x text', { usbVendorId: '0x2C7C', usbProductId: '0x0191' }, 'quectel'],
  ['Quectel EC20 on Qualcomm id', { usbVendorId: 0x05c6, usbProductId: 0x9215 }, 'quectel'],
  ['other Qualcomm id', { usbVendorId: 0x05c6, usbProductId: 0x9025 }, 'generic'],
  ['SIMCom USB 9001', { usbVendorId: 0x1e0e, usbProductId: 0x9001 }, 'simcom'],
  ['SIMCom USB 9011 RNDIS', { usbVendorId: '1e0e', usbProductId: '9011' }, 'simcom'],
  ['0x1e0e non-SIMCom product (D-Link)', { usbVendorId: 0x1e0e, usbProductId: 0xce16 }, 'generic'],
  ['Huawei', { manufacturer: 'huawei', model: 'E3372' }, 'generic'],
  ['nothing', {}, 'generic'],
  ['empty strings', { manufacturer: '', model: '', revision: '' }, 'generic'],
  ['AT identity wins over USB ids', { manufacturer: 'SIMCOM INCORPORATED', usbVendorId: 0x2c7c, usbProductId: 0x0125 }, 'simcom'],
  ['unknown manufacturer, known model', { manufacturer: 'Acme', model: 'EC25' }, 'quectel'],
];

for (const [name, hints, family] of table) {
  test(`detectFamily: ${name}`, () => {
    assert.equal(detectFamily(hints), family);
  });
}

test('detectFamily never throws on odd input', () => {
  fc.assert(
    fc.property(
      fc.record({
        manufacturer: fc.option(fc.string()),
        model: fc.option(fc.string()),
        revision: fc.option(fc.string()),
        usbVendorId: fc.option(fc.oneof(fc.integer(), fc.string(), fc.double())),
        usbProductId: fc.option(fc.oneof(fc.integer(), fc.string(), fc.double())),
      }),
      (h) => {
        const f = detectFamily(h as ModemIdHints);
        assert.ok(f === 'generic' || f === 'quectel' || f === 'simcom');
      },
    ),
  );
  assert.equal(detectFamily(undefined as unknown as ModemIdHints), 'generic');
});

test('parseUsbId', () => {
  assert.equal(parseUsbId(0x2c7c), 0x2c7c);
  assert.equal(parseUsbId('2c7c'), 0x2c7c);
  assert.equal(parseUsbId('0x0125'), 0x0125);
  assert.equal(parseUsbId('02'), 2);
  assert.equal(parseUsbId('zz'), null);
  assert.equal(parseUsbId(-1), null);
  assert.equal(parseUsbId(0x10000), null);
  assert.equal(parseUsbId(1.5), null);
  assert.equal(parseUsbId(undefined), null);
});

test('cleanIdentity strips echo-style prefixes', () => {
  assert.equal(cleanIdentity('+CGMR: LE20B04SIM7600G22'), 'LE20B04SIM7600G22');
  assert.equal(cleanIdentity('Revision: EC25EFAR06A06M4G'), 'EC25EFAR06A06M4G');
  assert.equal(cleanIdentity('  Quectel '), 'Quectel');
  assert.equal(cleanIdentity(null), '');
});

test('usbInterfaceRole: Quectel EC25 layout', () => {
  const roles = [0, 1, 2, 3, 4, 5].map((i) => usbInterfaceRole('quectel', 0x0125, i));
  assert.deepEqual(roles, ['diag', 'nmea', 'at', 'modem', 'net', 'unknown']);
  assert.equal(usbInterfaceRole('quectel', '0125', '02'), 'at');
  assert.equal(usbInterfaceRole('quectel', 0x9215, 2), 'at');
  assert.equal(atInterfaceNumber('quectel', 0x0121), 2);
  assert.equal(pcmInterfaceNumber('quectel', 0x0125), 1);
});

test('usbInterfaceRole: SIMCom SIM7600 default and RNDIS compositions', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((i) => usbInterfaceRole('simcom', 0x9001, i)),
    ['diag', 'nmea', 'at', 'modem', 'audio', 'net', 'adb'],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => usbInterfaceRole('simcom', '9011', i)),
    ['net', 'net', 'diag', 'nmea', 'at', 'modem', 'audio', 'adb'],
  );
  assert.equal(atInterfaceNumber('simcom', 0x9001), 2);
  assert.equal(atInterfaceNumber('simcom', 0x9011), 4);
  assert.equal(pcmInterfaceNumber('simcom', 0x9001), 4);
  assert.equal(pcmInterfaceNumber('simcom', 0x9011), 6);
});

test('usbInterfaceRole: unknown layouts', () => {
  assert.equal(usbInterfaceRole('generic', 0x0125, 2), 'unknown');
  assert.equal(usbInterfaceRole('quectel', 0x0800, 2), 'unknown');
  assert.equal(usbInterfaceRole('simcom', 0x9003, 2), 'unknown');
  assert.equal(usbInterfaceRole('quectel', null, 2), 'unknown');
  assert.equal(usbInterfaceRole('quectel', 0x0125, 'xx'), 'unknown');
  assert.equal(atInterfaceNumber('generic', 0x0125), null);
  assert.equal(pcmInterfaceNumber('simcom', undefined), null);
});

test('openModem opens the family of the name; unknown families get the generic modem', async () => {
  const modem = new ScriptedModem({ file: '<none>', source: 'test', comments: [], steps: [] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const q = openModem('quectel', channel, { log: silentLogger(), usbAudioPort: 2 });
  const s = openModem('simcom', channel, { log: silentLogger(), callEndGraceMs: 10 });
  const g = openModem('generic', channel, { log: silentLogger() });
  const u = openModem('huawei' as Family, channel, { log: silentLogger() });
  assert.equal(q.family, 'quectel');
  assert.equal(s.family, 'simcom');
  assert.equal(g.family, 'generic');
  assert.equal(u.family, 'generic');
  for (const m of [q, s, g, u]) m.dispose();
  await channel.close();
});

test('openModem(detectFamily(...)) end to end for both vendors', async () => {
  const modem = new ScriptedModem({ file: '<none>', source: 'test', comments: [], steps: [] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const d1 = openModem(detectFamily({ usbVendorId: '2c7c', usbProductId: '0125' }), channel, { log: silentLogger() });
  const d2 = openModem(detectFamily({ model: 'SIMCOM_SIM7600E-H' }), channel, { log: silentLogger() });
  assert.equal(d1.family, 'quectel');
  assert.equal(d2.family, 'simcom');
  d1.dispose();
  d2.dispose();
  await channel.close();
});
