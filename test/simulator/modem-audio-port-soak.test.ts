/**
 * 500 consecutive simulated calls, each opening the PCM port, carrying audio and closing it: no file
 * descriptor is left behind in this process and the port's frame count follows the clock (frames out
 * per call = call time / 20 ms ± 1), on both dialects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { ManualClock } from '../../modem-drivers/simulator/network/clock.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { AtClient, settle } from './modem-fakes.js';
import { PcmHost, rampFrame } from './audio-harness.js';

const fdCount = (): number => readdirSync('/proc/self/fd').length;

test('500 calls open and close the audio port without leaking descriptors or drifting', async () => {
  const clock = new ManualClock();
  const sim = new Simulator({ modems: 2, timing: 'zero', clock });
  const hosts = sim.modems.map((m) => new AtClient(m.open()));
  await clock.advanceAsync(10);
  for (const [i, at] of hosts.entries()) {
    await at.at('ATE0');
    if (sim.modems[i]!.dialect === 'quectel-ec25') await at.at('AT+QGPSCFG="outport","none"');
  }
  await settle();
  const fdsBefore = fdCount();
  for (let n = 0; n < 500; n++) {
    const modem = sim.modems[n % 2]!;
    const at = hosts[n % 2]!;
    const pcm = new PcmHost(modem.openAudio());
    at.take();
    await at.at('ATD+8613900001111;');
    await clock.advanceAsync(1);
    assert.match(await at.at(modem.dialect === 'quectel-ec25' ? 'AT+QPCMV=1,0' : 'AT+CPCMREG=1'), /OK/);
    const began = clock.now();
    const ticks = 5 + (n % 11); // 100 to 300 ms, and a start that is not on the port's 20 ms grid
    for (let t = 0; t < ticks; t++) {
      pcm.port.write(rampFrame(n + t));
      await clock.advanceAsync(20);
    }
    await clock.advanceAsync(n % 7);
    const callMs = clock.now() - began;
    const stats = modem.audioStats()!;
    assert.match(await at.at('ATH'), /OK/);
    if (modem.dialect === 'quectel-ec25') await at.at('AT+QPCMV=0');
    await pcm.port.close();
    await settle();
    assert.ok(Math.abs(stats.framesOut - callMs / 20) <= 1, `call ${n}: ${stats.framesOut} frames out in ${callMs} ms`);
    assert.equal(stats.framesIn, ticks);
    assert.equal(pcm.take().length % 320, 0);
    assert.equal(modem.audioStats(), null, 'closed');
    assert.equal(modem.status().call, null);
  }
  assert.equal(fdCount(), fdsBefore, 'no descriptor left open');
  for (const m of sim.modems) assert.equal(m.pendingTimers, 0, 'no modem timer left');
  sim.close();
});
