/** The simulated port provider's audio opener (OpenedPort.audio): exclusive, released on close, gone with the modem. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../modem-drivers/simulator/network/clock.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';

test('OpenedPort.audio opens the modem PCM port once; a second open rejects clearly; close releases it', async () => {
  const clock = new ManualClock();
  const sim = new Simulator({ modems: 2, timing: 'zero', clock });
  for (const m of sim.modems) {
    const provider = new SimPortProvider(() => sim.modems, m.imei);
    const opened = await provider.open(null);
    assert.ok(opened.audio);
    assert.equal(opened.audio.path, `${m.devicePath}.pcm`);
    const port = await opened.audio.open();
    await assert.rejects(opened.audio.open(), /ttySIM\d\.pcm: device or resource busy \(already open\)/);
    await port.close();
    const again = await opened.audio.open();
    m.unplug(100);
    await assert.rejects(opened.audio.open(), /no such device/);
    let closed = false;
    again.onClose(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(closed, true, 'the port closes with the modem');
    await opened.transport.close();
  }
  sim.close();
});
