/**
 * The family descriptors (modem-drivers/<family>/descriptor.ts) and the registry (families.ts): USB ids
 * and interface roles per family, dual-SIM sets, capabilities present or absent, and detection answered
 * by the descriptors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { FALLBACK_FAMILY, FAMILIES, familyDescriptor, modemUsbVendorIds } from '../../modem-drivers/families.js';
import { detectFamily, familyFromUsb, usbInterfaceRole } from '../../modem-drivers/detect.js';
import { dualSimCommandsFor, DUAL_SIM_FAMILIES } from '../../modem-drivers/sim-switch/dual-sim-commands.js';
import type { FamilyDescriptor } from '../../modem-drivers/capabilities.js';
import { identifyModem, openModem } from '../../modem-drivers/modem.js';
import { loadTranscript, repoRoot, ScriptedModem } from '../helpers/transcript.js';

const byName = (name: string): FamilyDescriptor => {
  const d = familyDescriptor(name);
  assert.ok(d, `descriptor ${name}`);
  return d;
};
const ids = (d: FamilyDescriptor) => d.usb.map((p) => [p.vendorId, p.productId, p.atInterface, p.audioInterface]);

test('registry: one descriptor per family, names unique, the generic fallback last', () => {
  const names = FAMILIES.map((f) => f.name);
  assert.deepEqual([...names].sort(), ['generic', 'quectel', 'simcom']);
  assert.equal(new Set(names).size, names.length);
  assert.equal(FAMILIES[FAMILIES.length - 1], FALLBACK_FAMILY);
  assert.equal(FALLBACK_FAMILY.name, 'generic');
  assert.equal(familyDescriptor('huawei'), undefined);
});

test('Quectel descriptor: USB ids (with the EC20 on the Qualcomm id), AT on 2, PCM on the NMEA port 1', () => {
  assert.deepEqual(ids(byName('quectel')), [
    [0x2c7c, 0x0121, 2, 1],
    [0x2c7c, 0x0125, 2, 1],
    [0x2c7c, 0x0191, 2, 1],
    [0x2c7c, 0x0195, 2, 1],
    [0x05c6, 0x9215, 2, 1],
  ]);
});

test('second AT ports: EC25 family and SIM7600 name their modem interface', () => {
  assert.deepEqual(byName('quectel').usb.map((p) => p.secondaryAtInterface), [3, 3, 3, 3, 3]);
  assert.deepEqual(byName('simcom').usb.map((p) => p.secondaryAtInterface), [3, 5]);
});

test('SIMCom descriptor: 0x9001 AT 2 / audio 4, 0x9011 (RNDIS) AT 4 / audio 6', () => {
  assert.deepEqual(ids(byName('simcom')), [
    [0x1e0e, 0x9001, 2, 4],
    [0x1e0e, 0x9011, 4, 6],
  ]);
});

test('generic descriptor: claims no USB product and recognises no identity text', () => {
  const g = byName('generic');
  assert.deepEqual(g.usb, []);
  assert.equal(g.matchesIdentity({ manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G' }), false);
  assert.equal(g.matchesUsb(0x2c7c, 0x0125), false);
});

test('every USB product: interface roles agree with the AT and audio interface numbers', () => {
  for (const f of FAMILIES) {
    for (const p of f.usb) {
      assert.equal(p.interfaces[p.atInterface], 'at', `${f.name} ${p.name}`);
      // The second AT port is the 'modem' interface, which answers AT too.
      if (p.secondaryAtInterface !== null) assert.equal(p.interfaces[p.secondaryAtInterface], 'modem', `${f.name} ${p.name} second AT port`);
      if (p.audioInterface !== null) assert.ok(['audio', 'nmea'].includes(p.interfaces[p.audioInterface]!), `${f.name} ${p.name}`);
      assert.equal(usbInterfaceRole(f.name, p.productId, p.atInterface), 'at');
      assert.ok(f.matchesUsb(p.vendorId, p.productId), `${f.name} claims its own product ${p.name}`);
    }
  }
});

test('modem USB vendors come from the descriptors: Quectel, Qualcomm (EC20), SIMCom', () => {
  assert.deepEqual([...modemUsbVendorIds()].sort((a, b) => a - b), [0x05c6, 0x1e0e, 0x2c7c]);
});

test('detection asks the descriptors: USB ids, and identity one field at a time across families', () => {
  assert.equal(familyFromUsb('2c7c', '0800'), 'quectel'); // any product under Quectel's own vendor id
  assert.equal(familyFromUsb(0x05c6, 0x9215), 'quectel');
  assert.equal(familyFromUsb(0x05c6, 0x9025), undefined);
  assert.equal(familyFromUsb(0x1e0e, 0xce16), undefined);
  assert.equal(familyFromUsb(null, null), undefined);
  // The manufacturer of one family wins over a model text of another, whatever the registry order.
  assert.equal(detectFamily({ manufacturer: 'SIMCOM INCORPORATED', model: 'EC25' }), 'simcom');
  assert.equal(detectFamily({ manufacturer: 'Quectel', model: 'SIMCOM_SIM7600G-H' }), 'quectel');
  assert.equal(detectFamily({ model: 'GM-100', revision: 'LE20B04SIM7600G22' }), 'simcom');
});

test('dual-SIM: the Quectel descriptor carries AT+QDSIM; SIMCom and generic say why they have none', () => {
  const q = byName('quectel').dualSim;
  assert.ok(!('none' in q));
  assert.equal(q.select, 'AT+QDSIM={value}');
  assert.deepEqual(q.values, { A: '0', B: '1' });
  for (const name of ['simcom', 'generic']) {
    const d = byName(name).dualSim;
    assert.ok('none' in d && d.none.length > 0, name);
  }
  const built = dualSimCommandsFor('quectel');
  assert.ok(built.ok && built.commands === q && built.family === 'quectel');
  assert.equal(dualSimCommandsFor('simcom').ok, false);
  assert.deepEqual(Object.keys(DUAL_SIM_FAMILIES), ['quectel']);
});

test('capabilities: absent from the generic modem, present on Quectel and SIMCom', async () => {
  const channel = new AtChannel(new ScriptedModem({ file: '<none>', source: 'test', comments: [], steps: [] }), { log: silentLogger() });
  try {
    for (const f of FAMILIES) {
      const m = f.open(channel, { log: silentLogger() });
      assert.equal(m.family, f.name);
      for (const cap of ['identity', 'sim', 'netreg', 'voicecall', 'sms', 'ussd', 'reset'] as const) assert.ok(m[cap], `${f.name}.${cap}`);
      const optional = ['audio', 'imei', 'dataCheck'].filter((c) => c in m);
      assert.deepEqual(optional, f.name === 'generic' ? [] : ['audio', 'imei', 'dataCheck'], f.name);
      m.dispose();
    }
  } finally {
    await channel.close();
  }
});

test('identifyModem reads the identity with the baseline, then openModem opens the detected family', async () => {
  const modem = new ScriptedModem(loadTranscript(join(repoRoot(), 'fixtures', 'quectel', 'ec25', 'identity.txt')));
  const channel = new AtChannel(modem, { log: silentLogger(), defaultTimeoutMs: 2000 });
  try {
    const id = await identifyModem(channel, { log: silentLogger() });
    assert.equal(id.model, 'EC25');
    const m = openModem(detectFamily(id), channel, { log: silentLogger() });
    assert.equal(m.family, 'quectel');
    m.dispose();
    assert.deepEqual(modem.errors, []);
  } finally {
    await channel.close();
  }
});
