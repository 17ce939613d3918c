import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineManager } from '../../src/line/line-manager.js';
import { validateConfig, type Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/util/log.js';
import type { AtTransport } from '../../src/at/types.js';
import { buildSysfs, type FakeUsbDevice } from '../helpers/fake-sysfs.js';
import { MiniModem } from '../helpers/mini-modem.js';

const FAST = { probeIntervalMs: 100, unresponsiveAfterMs: 800, commandTimeoutMs: 300, reopenDelayMs: 50, maxReopenDelayMs: 200, simRetryMs: 100, refreshEvery: 3 };

function config(doc: unknown): Config {
  const r = validateConfig(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

async function until(what: string, cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Fake hardware: sysfs tree + a map from device path to the modem behind it. */
function hardware(root: string) {
  const byDev = new Map<string, MiniModem>();
  let roots = { sys: '', dev: '' };
  const plug = (devices: [FakeUsbDevice, MiniModem][]) => {
    roots = buildSysfs(root, devices.map(([d]) => d));
    byDev.clear();
    // A MiniModem has one AT port, the EC25's interface 2; its other interfaces are not modelled (the
    // line's second AT port on interface 3 will not open, and the line goes on without it).
    for (const [d, m] of devices) byDev.set(join(roots.dev, `ttyUSB${d.firstTty + 2}`), m);
    return roots;
  };
  const openTransport = async (path: string): Promise<AtTransport> => {
    const m = byDev.get(path);
    if (!m || m.booting) throw new Error(`${path}: no such device`);
    return m.open();
  };
  return { plug, openTransport, get roots() { return roots; } };
}

test('autodetect adds a line per USB modem; a configured usbPath line keeps its id', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cg-mgr-'));
  const hw = hardware(root);
  const a = new MiniModem({ imei: '861234567890001' });
  const b = new MiniModem({ imei: '861234567890002' });
  const roots = hw.plug([
    [{ usbPath: '1-1.3', vendorId: 0x2c7c, productId: 0x0125, firstTty: 0, interfaces: 4 }, a],
    [{ usbPath: '1-1.4', vendorId: 0x2c7c, productId: 0x0125, firstTty: 4, interfaces: 4 }, b],
  ]);
  const mgr = new LineManager({
    config: config({ lines: [{ id: 7, usbPath: '1-1.4' }] }),
    log: silentLogger(),
    roots,
    openTransport: hw.openTransport,
    timing: FAST,
  });
  await mgr.start();
  try {
    await until('both registered', () => mgr.list().every((l) => l.lifecycle === 'registered') && mgr.list().length === 2);
    const byId = Object.fromEntries(mgr.list().map((l) => [l.id, l]));
    assert.equal(byId[7]!.modem.imei, '861234567890002');
    assert.equal(byId[7]!.modem.port, join(roots.dev, 'ttyUSB6'));
    assert.equal(byId[8]!.modem.imei, '861234567890001');
    assert.equal(byId[8]!.modem.usbPath, '1-1.3');
  } finally {
    await mgr.stop();
  }
});

test('a line configured by IMEI finds its modem again after it re-enumerates on another USB port with other ttyUSB numbers', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cg-mgr-'));
  const hw = hardware(root);
  const other = new MiniModem({ imei: '861234567890009' });
  const mine = new MiniModem({ imei: '861234567890005', bootMs: 200 });
  hw.plug([
    [{ usbPath: '1-1.2', vendorId: 0x2c7c, productId: 0x0125, firstTty: 0, interfaces: 4 }, other],
    [{ usbPath: '1-1.3', vendorId: 0x2c7c, productId: 0x0125, firstTty: 4, interfaces: 4 }, mine],
  ]);
  const mgr = new LineManager({
    config: config({ modems: { autoDetect: false }, lines: [{ id: 1, imei: '861234567890005' }] }),
    log: silentLogger(),
    roots: hw.roots,
    openTransport: hw.openTransport,
    timing: FAST,
  });
  await mgr.start();
  try {
    const line = mgr.get(1)!;
    await until('registered', () => line.status().lifecycle === 'registered');
    assert.equal(line.status().modem.port, join(hw.roots.dev, 'ttyUSB6'));
    // unplugged and replugged elsewhere: new USB path, new ttyUSB numbers
    mine.powerCycle();
    hw.plug([
      [{ usbPath: '1-1.2', vendorId: 0x2c7c, productId: 0x0125, firstTty: 0, interfaces: 4 }, other],
      [{ usbPath: '2-1', vendorId: 0x2c7c, productId: 0x0125, firstTty: 10, interfaces: 4 }, mine],
    ]);
    await until('absent', () => line.status().health === 'absent' || line.status().modem.port !== join(hw.roots.dev, 'ttyUSB6'));
    await until('found again', () => line.status().lifecycle === 'registered' && line.status().modem.usbPath === '2-1');
    assert.equal(line.status().modem.port, join(hw.roots.dev, 'ttyUSB12'));
    assert.equal(line.status().modem.imei, '861234567890005');
  } finally {
    await mgr.stop();
  }
});

test('a line configured by IMEI finds its modem again when it comes back on the same USB port with new ttyUSB numbers', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cg-mgr-'));
  const hw = hardware(root);
  const mine = new MiniModem({ imei: '861234567890005', bootMs: 200 });
  hw.plug([[{ usbPath: '1-1.3', vendorId: 0x2c7c, productId: 0x0125, firstTty: 0, interfaces: 4 }, mine]]);
  const mgr = new LineManager({
    config: config({ modems: { autoDetect: false }, lines: [{ id: 1, imei: '861234567890005' }] }),
    log: silentLogger(),
    roots: hw.roots,
    openTransport: hw.openTransport,
    timing: FAST,
  });
  await mgr.start();
  try {
    const line = mgr.get(1)!;
    await until('registered', () => line.status().lifecycle === 'registered');
    assert.equal(line.status().modem.port, join(hw.roots.dev, 'ttyUSB2'));
    mine.powerCycle(); // what a sysfs power-cycle does: same socket, the next free ttyUSB numbers
    hw.plug([[{ usbPath: '1-1.3', vendorId: 0x2c7c, productId: 0x0125, firstTty: 4, interfaces: 4 }, mine]]);
    await until('found again', () => line.status().lifecycle === 'registered' && line.status().modem.port === join(hw.roots.dev, 'ttyUSB6'));
    assert.equal(line.status().modem.usbPath, '1-1.3');
  } finally {
    await mgr.stop();
  }
});
