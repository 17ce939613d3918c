/**
 * The network's in-band ringback (network/ringback.ts) and the modems' early media: while an outgoing
 * call alerts, the EC25's PCM port (AT+QPCMV on) already carries the ringing tone; the SIM7600 refuses
 * AT+CPCMREG=1 until the answer, so its port carries nothing before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcmHost, rig, run, samples, type Rig } from './audio-harness.js';
import { toneShare } from '../e2e/helpers/rtp-peer.js';
import { ManualClock, DEFAULT_RINGBACK, toneFrames } from '../../modem-drivers/simulator/network/index.js';
import type { SimLeg } from '../../modem-drivers/simulator/network/call.js';
import { playRingback } from '../../modem-drivers/simulator/network/ringback.js';

const RINGING = '+8613900003333';

async function ringingCall(r: Rig, ringMs: number): Promise<PcmHost> {
  r.sim.network.outside.addRule(RINGING, { kind: 'answer', ringMs, audio: 'silence' });
  if (r.modem.dialect === 'quectel-ec25') {
    assert.match(await r.at.at('AT+QGPSCFG="outport","none"'), /OK/);
    assert.match(await r.at.at('AT+QPCMV=1,0'), /OK/);
  }
  const host = new PcmHost(r.modem.openAudio());
  await r.at.at(`ATD${RINGING};`);
  await r.clock.advanceAsync(10);
  assert.equal(r.modem.status().call?.state, 'alerting');
  return host;
}

test('quectel: while the call alerts the port carries the network ringback, 450 Hz 1 s on 4 s off; the host\'s bytes go nowhere', async () => {
  const r = await ringingCall1('quectel');
  const { host } = r;
  await run(r.rig, 2000, () => host.port.write(Buffer.alloc(320, 0x11)));
  const heard = samples(host.take());
  assert.ok(heard.length >= 95 * 160, `about 2 s of audio written (${heard.length / 8} ms)`);
  const on = heard.subarray(160, 45 * 160);
  const off = heard.subarray(55 * 160, 95 * 160);
  assert.ok(toneShare(on, 450) > 0.9, `the first second is the 450 Hz tone (${toneShare(on, 450).toFixed(3)})`);
  assert.ok(off.every((v) => v === 0), 'then silence');
  assert.ok(r.rig.modem.audioStats()!.bytesDiscarded >= 90 * 320, 'the host audio is not carried before the answer');
  r.rig.sim.close();
});

test('quectel: the ringback stops at the answer', async () => {
  const r = await ringingCall1('quectel', 500);
  await run(r.rig, 1000);
  assert.equal(r.rig.modem.status().call?.state, 'active');
  const heard = samples(r.host.take());
  const before = heard.subarray(0, 20 * 160);
  const after = heard.subarray(30 * 160);
  assert.ok(toneShare(before, 450) > 0.9);
  assert.ok(after.length > 0 && after.every((v) => v === 0), 'the silent party is heard after the answer');
  r.rig.sim.close();
});

test('simcom: no audio before the answer; AT+CPCMREG=1 is refused while the call alerts', async () => {
  const r = await ringingCall1('simcom');
  assert.match(await r.rig.at.at('AT+CPCMREG=1'), /ERROR/);
  await run(r.rig, 1000);
  assert.equal(r.host.take().length, 0);
  r.rig.sim.close();
});

test('the ringback follows the tone given and stops when the leg stops alerting', () => {
  const clock = new ManualClock();
  const frames: number[] = [];
  const leg = {
    state: 'alerting',
    hearFromNetwork: (f: Int16Array) => frames.push(f.some((v) => v !== 0) ? 1 : 0),
  };
  const timers = { schedule: (fn: () => void, ms: number) => clock.setTimeout(fn, ms) };
  playRingback(leg as never, { hz: 425, onMs: 100, offMs: 100 }, timers as never, clock);
  clock.advance(390);
  assert.deepEqual(frames, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  leg.state = 'active';
  clock.advance(200);
  assert.equal(frames.length, 20, 'nothing once the leg is answered');
  assert.deepEqual(DEFAULT_RINGBACK, { hz: 450, onMs: 1000, offMs: 4000 });
});

async function ringingCall1(which: 'quectel' | 'simcom', ringMs = 60_000): Promise<{ rig: Rig; host: PcmHost }> {
  const r = await rig(which);
  return { rig: r, host: await ringingCall(r, ringMs) };
}

test('quectel: ringback queued at the answer is dropped, so it does not stand in front of the speech', async () => {
  const r = await rig('quectel');
  assert.match(await r.at.at('AT+QGPSCFG="outport","none"'), /OK/);
  assert.match(await r.at.at('AT+QPCMV=1,0'), /OK/);
  const legs: SimLeg[] = [];
  r.sim.network.outside.addRule(RINGING, { kind: 'manual' });
  r.sim.network.outside.onCall((leg) => legs.push(leg as SimLeg));
  const host = new PcmHost(r.modem.openAudio());
  await r.at.at(`ATD${RINGING};`);
  await run(r, 200);
  const party = legs[0]!;
  // A late network: four ringback frames pile up in the modem just before the answer.
  for (let i = 0; i < 4; i++) party.peer!.hearFromNetwork(toneFrames(450)[0]!);
  party.answer();
  host.take();
  await run(r, 200, () => party.sendAudio(toneFrames(1000)[0]!));
  const after = samples(host.take());
  assert.ok(toneShare(after.subarray(0, 320), 450) < 0.1, 'no ringback after the answer');
  assert.ok(toneShare(after.subarray(320), 1000) > 0.9, 'the party at once');
  r.sim.close();
});
