/**
 * The simulated modems' PCM audio port (modem-drivers/simulator/modem/audio-port.ts): frames both ways
 * during a call on both dialects, silence, nothing while PCM is off, EC25 NMEA until
 * AT+QGPSCFG="outport","none", SIM7600 16 kHz (AT+CPCMFRM=1) and 40 ms frames, alignment across odd
 * chunking, exclusive opening, and the port's end with the modem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nmeaChecksum } from '../../modem-drivers/simulator/modem/nmea.js';
import { callWithPcm, PcmHost, rampFrame, rig, run, samples, type Rig } from './audio-harness.js';
import { AtClient, settle } from './modem-fakes.js';

const ECHO = '+8613900001111'; // any outside number without a rule echoes
const SILENT = '+8613900002222';

async function quietQuectel(r: Rig): Promise<void> {
  if (r.modem.dialect === 'quectel-ec25') assert.match(await r.at.at('AT+QGPSCFG="outport","none"'), /OK/);
}

/** Writes one ramp frame per tick for `frames` ticks, returns what was written and what came back. */
async function echoRun(r: Rig, host: PcmHost, frames: number, write: (b: Buffer) => void = (b) => host.port.write(b)) {
  const written: Buffer[] = [];
  await run(r, frames * 20, (i) => {
    const f = rampFrame(i + 1);
    written.push(f);
    write(f);
  });
  return { sent: samples(Buffer.concat(written)), got: samples(host.take()) };
}

/** Where `sent` starts in `got` (samples), and that everything after it matches sample for sample. */
function assertEchoed(sent: Int16Array, got: Int16Array): number {
  const first = sent[0]!;
  let at = -1;
  for (let i = 0; i < got.length; i++) if (got[i] === first && got[i + 1] === sent[1]) { at = i; break; }
  assert.ok(at >= 0, 'the written audio comes back');
  const n = Math.min(sent.length, got.length - at);
  assert.ok(n >= sent.length - 2 * 160, `most of it is back (${n} of ${sent.length} samples)`);
  assert.deepEqual(Array.from(got.subarray(at, at + n)), Array.from(sent.subarray(0, n)), 'sample-exact after the round trip');
  for (let i = 0; i < at; i++) assert.equal(got[i], 0, 'silence before the echo');
  return at;
}

for (const which of ['quectel', 'simcom'] as const) {
  test(`${which}: a call to an echo number returns what the host wrote, sample-exact, at most one frame later`, async () => {
    const r = await rig(which);
    await quietQuectel(r);
    const host = new PcmHost(r.modem.openAudio());
    await callWithPcm(r, ECHO);
    host.take();
    const { sent, got } = await echoRun(r, host, 50);
    const delaySamples = assertEchoed(sent, got);
    // The network carries a frame at once; the modem writes it on its next 20 ms tick.
    assert.ok(delaySamples <= 160, `round trip ${delaySamples / 8} ms`);
    const st = r.modem.audioStats()!;
    assert.equal(st.framesIn, 50);
    assert.ok(Math.abs(st.framesOut - 50) <= 1, `frames out ${st.framesOut}`);
    assert.equal(got.length, st.framesOut * 160, 'whole 320-byte frames only');
    r.sim.close();
  });

  test(`${which}: silence is written every 20 ms while the far end says nothing`, async () => {
    const r = await rig(which);
    await quietQuectel(r);
    r.sim.network.outside.addRule(SILENT, { kind: 'answer', audio: 'silence' });
    const host = new PcmHost(r.modem.openAudio());
    await callWithPcm(r, SILENT);
    host.take();
    await run(r, 1000);
    const got = host.take();
    assert.equal(got.length, 50 * 320, '50 frames of 320 bytes in one second');
    assert.ok(got.every((b) => b === 0));
    const st = r.modem.audioStats()!;
    assert.equal(st.silentFramesOut, st.framesOut);
    r.sim.close();
  });

  test(`${which}: nothing is written and host bytes are discarded while PCM is off`, async () => {
    const r = await rig(which);
    await quietQuectel(r);
    const host = new PcmHost(r.modem.openAudio());
    await r.at.at(`ATD${ECHO};`);
    await r.clock.advanceAsync(10);
    assert.equal(r.modem.status().call?.state, 'active');
    await run(r, 500, (i) => host.port.write(rampFrame(i)));
    assert.equal(host.take().length, 0);
    const st = r.modem.audioStats()!;
    assert.equal(st.framesIn, 0);
    assert.equal(st.framesOut, 0);
    assert.equal(st.bytesDiscarded, 25 * 320);
    r.sim.close();
  });
}

test('quectel: the port carries NMEA once a second until AT+QGPSCFG="outport","none"', async () => {
  const r = await rig('quectel');
  assert.match(await r.at.at('AT+QGPSCFG="outport"'), /\+QGPSCFG: "outport","usbnmea"/);
  const host = new PcmHost(r.modem.openAudio());
  await run(r, 3000);
  const text = host.take().toString('latin1');
  const sentences = text.split('\r\n').filter((l) => l !== '');
  assert.equal(sentences.filter((s) => s.startsWith('$GPRMC,')).length, 3, text);
  for (const s of sentences) {
    const m = /^\$([^*]+)\*([0-9A-F]{2})$/.exec(s);
    assert.ok(m, s);
    assert.equal(m[2], nmeaChecksum(m[1]!), `checksum of ${s}`);
  }
  assert.match(await r.at.at('AT+QGPSCFG="outport","none"'), /OK/);
  assert.match(await r.at.at('AT+QGPSCFG="outport"'), /"none"/);
  await run(r, 3000);
  assert.equal(host.take().length, 0);
  assert.match(await r.at.at('AT+QGPSCFG="outport","bogus"'), /ERROR/);
  // Saved: still "none" after a restart.
  r.modem.reset();
  await r.clock.advanceAsync(10);
  const at2 = new AtClient(r.modem.open());
  await settle();
  assert.match(await at2.at('AT+QGPSCFG="outport"'), /"none"/);
  r.sim.close();
});

test('quectel: NMEA interleaves with PCM when outport is left on usbnmea (what a host must prevent)', async () => {
  const r = await rig('quectel');
  const host = new PcmHost(r.modem.openAudio());
  await callWithPcm(r, SILENT);
  await run(r, 1000);
  const got = host.take();
  assert.ok(got.toString('latin1').includes('$GPRMC,'));
  assert.ok(got.length > 50 * 320);
  r.sim.close();
});

test('simcom: AT+CPCMFRM=1 puts 16 kHz on the port (640 bytes per 20 ms); the echo stays exact', async () => {
  const r = await rig('simcom');
  assert.match(await r.at.at('AT+CPCMFRM?'), /\+CPCMFRM: 0/);
  assert.match(await r.at.at('AT+CPCMFRM=1'), /OK/);
  assert.match(await r.at.at('AT+CPCMFRM=2'), /ERROR/);
  const host = new PcmHost(r.modem.openAudio());
  await callWithPcm(r, ECHO);
  host.take();
  // 16 kHz input whose sample pairs are equal: what 8 kHz looks like upsampled, so the round trip is exact.
  const written: Buffer[] = [];
  await run(r, 30 * 20, (i) => {
    const narrow = samples(rampFrame(i + 1));
    const wide = Buffer.alloc(640);
    for (let k = 0; k < 160; k++) {
      wide.writeInt16LE(narrow[k]!, 4 * k);
      wide.writeInt16LE(narrow[k]!, 4 * k + 2);
    }
    written.push(wide);
    host.port.write(wide);
  });
  const got = host.take();
  const st = r.modem.audioStats()!;
  assert.equal(got.length, st.framesOut * 640);
  assertEchoed(samples(Buffer.concat(written)), samples(got));
  r.sim.close();
});

test('simcom: with 40 ms firmware the port writes 640 bytes at 8 kHz every 40 ms', async () => {
  const r = await rig('simcom', { pcmFrameMs: 40 });
  const host = new PcmHost(r.modem.openAudio());
  await callWithPcm(r, ECHO);
  host.take();
  const written: Buffer[] = [];
  await run(r, 40 * 20, (i) => {
    const f = rampFrame(i + 1);
    written.push(f);
    host.port.write(f);
  });
  const st = r.modem.audioStats()!;
  assert.equal(st.framesIn, 20, '40 frames of 20 ms written: 20 port frames');
  assert.ok(Math.abs(st.framesOut - 20) <= 1, `frames out ${st.framesOut}`);
  const got = host.take();
  assert.equal(got.length, st.framesOut * 640);
  const delay = assertEchoed(samples(Buffer.concat(written)), samples(got));
  assert.ok(delay <= 2 * 320, `round trip ${delay / 8} ms`);
  r.sim.close();
});

test('odd chunking: 16-bit samples stay aligned across writes split at any byte', async () => {
  const r = await rig('quectel');
  await quietQuectel(r);
  const host = new PcmHost(r.modem.openAudio());
  await callWithPcm(r, ECHO);
  host.take();
  const splits = [1, 3, 7, 159, 161, 319, 320, 321];
  let pending = Buffer.alloc(0);
  const { sent, got } = await echoRun(r, host, 40, (b) => {
    // Write whole bytes in odd pieces; what does not fit this tick waits, as a USB write queue would.
    pending = Buffer.concat([pending, b]);
    let k = 0;
    while (pending.length > 0) {
      const n = Math.min(pending.length, splits[k++ % splits.length]!);
      host.port.write(pending.subarray(0, n));
      pending = pending.subarray(n);
    }
  });
  assertEchoed(sent, got);
  r.sim.close();
});

test('the port opens once: a second open rejects until the first is closed; a restart closes it', async () => {
  const r = await rig('quectel');
  const port = r.modem.openAudio();
  assert.throws(() => r.modem.openAudio(), /ttySIM1\.pcm: device or resource busy/);
  await port.close();
  const host = new PcmHost(r.modem.openAudio());
  r.modem.reset();
  await settle();
  assert.equal(host.closed, true);
  assert.throws(() => r.modem.openAudio(), /no such device/);
  await r.clock.advanceAsync(10);
  const again = r.modem.openAudio();
  await again.close();
  assert.equal(r.modem.audioStats(), null);
  r.sim.close();
});

test('a hung modem writes nothing on the audio port and swallows what the host writes', async () => {
  const r = await rig('quectel');
  await quietQuectel(r);
  const host = new PcmHost(r.modem.openAudio());
  await callWithPcm(r, ECHO);
  host.take();
  r.modem.setHung(true);
  await run(r, 400, (i) => host.port.write(rampFrame(i)));
  assert.equal(host.take().length, 0);
  assert.equal(r.modem.audioStats()!.framesIn, 0);
  r.modem.setHung(false);
  await run(r, 100);
  assert.equal(host.take().length, 5 * 320, 'writing again once it answers');
  r.sim.close();
});

test('an idle port holds no timer: none before NMEA or a call needs one, and none after the call', async () => {
  const r = await rig('quectel');
  await quietQuectel(r);
  await run(r, 100);
  const before = r.clock.pendingTimers;
  const host = new PcmHost(r.modem.openAudio());
  await run(r, 100);
  assert.equal(r.clock.pendingTimers, before, 'open, no NMEA, no call: idle');
  await callWithPcm(r, ECHO);
  host.take();
  await run(r, 200);
  assert.ok(r.modem.audioStats()!.framesOut >= 9, 'ticking during the call');
  await r.at.at('ATH');
  await run(r, 100);
  const out = r.modem.audioStats()!.framesOut;
  await run(r, 200);
  assert.equal(r.modem.audioStats()!.framesOut, out, 'nothing written after the call');
  assert.equal(r.clock.pendingTimers, before, 'idle again');
  r.sim.close();
});
