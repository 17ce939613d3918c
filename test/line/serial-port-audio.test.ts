import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtTransport } from '../../src/at/types.js';
import { audioPortOf, audioPortOpener, SerialPortProvider } from '../../src/line/serial-port-provider.js';
import { scanUsbModems } from '../../src/line/usb-discovery.js';
import { silentLogger } from '../../src/util/log.js';
import { buildSysfs } from '../helpers/fake-sysfs.js';
import { FakeAudioPort } from '../media/modem-audio/fake-audio.js';

function sysfs() {
  const root = mkdtempSync(join(tmpdir(), 'cg-sysfs-'));
  return buildSysfs(root, [
    { usbPath: '1-1.3', vendorId: 0x2c7c, productId: 0x0125, firstTty: 0, interfaces: 4 },
    { usbPath: '1-1.4', vendorId: 0x1e0e, productId: 0x9001, firstTty: 4, interfaces: 5 },
  ]);
}

test("the audio port is the family descriptor's audioInterface: EC25 NMEA interface 1, SIM7600 audio interface 4; none for generic", () => {
  const roots = sysfs();
  const [ec25, sim7600] = scanUsbModems(roots);
  assert.equal(audioPortOf(ec25!), join(roots.dev, 'ttyUSB1'));
  assert.equal(audioPortOf(sim7600!), join(roots.dev, 'ttyUSB8'));
  assert.equal(audioPortOf(ec25!, 'generic'), null);
});

test('OpenedPort.audio opens the audio port per call through the provider’s transport opener; generic family: none', async () => {
  const roots = sysfs();
  for (const [usbPath, family, want] of [
    ['1-1.3', 'auto', 'ttyUSB1'],
    ['1-1.4', 'simcom', 'ttyUSB8'],
    ['1-1.3', 'generic', null],
  ] as const) {
    const opened: string[] = [];
    const provider = new SerialPortProvider({
      usbPath,
      baudRate: 115200,
      family,
      reset: { usbPowerCycle: false },
      openTransport: async (path) => {
        opened.push(path);
        return new FakeAudioPort();
      },
      roots,
      log: silentLogger(),
    });
    const port = await provider.open(null);
    const atOpens = opened.length;
    if (want === null) {
      assert.equal(port.audio, null, family);
      continue;
    }
    assert.equal(port.audio?.path, join(roots.dev, want));
    assert.equal(opened.length, atOpens, 'not opened before a call asks');
    await port.audio!.open();
    assert.equal(opened.at(-1), join(roots.dev, want));
  }
});

test('audioPortOpener retries an open that fails (a lock still held), up to 3 tries', async () => {
  let fails = 2;
  const ok = audioPortOpener('/dev/x', async () => {
    if (fails-- > 0) throw new Error('Cannot lock port');
    return new FakeAudioPort() as AtTransport;
  }, 3, 1);
  await ok.open();
  let calls = 0;
  const never = audioPortOpener('/dev/x', async () => {
    calls++;
    throw new Error('no such device');
  }, 3, 1);
  await assert.rejects(never.open(), /no such device/);
  assert.equal(calls, 3);
});

test('a configured audio port (lines[].audio.port) is used for a modem not found through USB, opened per call', async () => {
  const opened: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cg-audio-port-'));
  const provider = new SerialPortProvider({
    port: '/dev/null',
    audioPort: join(dir, 'ttySIM1.pcm'),
    baudRate: 115200,
    family: 'auto',
    reset: { usbPowerCycle: false },
    openTransport: async (path) => {
      opened.push(path);
      return new FakeAudioPort();
    },
    roots: sysfs(),
    log: silentLogger(),
  });
  const port = await provider.open(null);
  assert.equal(port.audio?.path, join(dir, 'ttySIM1.pcm'));
  assert.deepEqual(opened, ['/dev/null'], 'not opened before a call asks');
  await port.audio!.open();
  assert.deepEqual(opened, ['/dev/null', join(dir, 'ttySIM1.pcm')]);
});

test('without a configured audio port, a modem on a plain device path has none', async () => {
  const provider = new SerialPortProvider({
    port: '/dev/null',
    baudRate: 115200,
    family: 'auto',
    reset: { usbPowerCycle: false },
    openTransport: async () => new FakeAudioPort(),
    roots: sysfs(),
    log: silentLogger(),
  });
  assert.equal((await provider.open(null)).audio, null);
});
