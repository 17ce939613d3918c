import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnergyVad, vadTransition } from '../../../src/media/vad/energy-vad.js';
import { alawPcapAudio } from '../helpers/pcap-rtp.js';
import { chunks, seededRandom, toInt16, tone, whiteNoise } from '../helpers/signals.js';
import { sinePower } from '../../../src/media/dsp/levels.js';

const frames = (x: Float64Array) => chunks(toInt16(x), 160);

test('silence and quiet noise are inactive; a voice-level tone is active at once', () => {
  const vad = new EnergyVad();
  const noise = whiteNoise(160 * 50, sinePower(-60), seededRandom(3));
  assert.ok(frames(noise).every((f) => !vad.process(f).active));
  const d = vad.process(toInt16(tone([{ hz: 800, dbm0: -20 }], 160)));
  assert.equal(d.state, 'speech');
  assert.ok(d.active);
  assert.ok(Math.abs(d.levelDbm0 - -20) < 0.3);
});

test('after speech the hangover keeps frames going for 200 ms, then silence', () => {
  const vad = new EnergyVad({ hangoverMs: 200 });
  for (const f of frames(tone([{ hz: 500, dbm0: -15 }], 160 * 10))) vad.process(f);
  const states = Array.from({ length: 14 }, () => vad.process(new Int16Array(160)).state);
  assert.deepEqual(states, [...Array(10).fill('hangover'), ...Array(4).fill('silence')]);
});

test('a pause shorter than the hangover does not cut the talk', () => {
  const vad = new EnergyVad({ hangoverMs: 200 });
  const talk = frames(tone([{ hz: 300, dbm0: -18 }], 160 * 5));
  const seq = [...talk, ...Array(6).fill(new Int16Array(160)), ...talk];
  assert.ok(seq.every((f) => vad.process(f).active));
});

test('the background estimate follows steady noise, so a noisy line is not speech forever', () => {
  const vad = new EnergyVad();
  const noise = frames(whiteNoise(160 * 600, sinePower(-40), seededRandom(9)));
  const decisions = noise.map((f) => vad.process(f));
  assert.ok(decisions.slice(-100).every((d) => !d.active), 'after 12 s of steady −40 dBm0 noise');
  assert.ok(Math.abs(decisions.at(-1)!.noiseDbm0 - -40) < 3);
});

test('real speech: a large part of the A-law call is active, and its quiet stretches are not', () => {
  const vad = new EnergyVad();
  const decisions = chunks(alawPcapAudio('fixtures/media/g711a.pcap'), 160).map((f) => vad.process(f));
  const active = decisions.filter((d) => d.active).length / decisions.length;
  assert.ok(active > 0.2 && active < 0.98, `active ${active}`);
  assert.ok(decisions.some((d) => d.state === 'hangover'));
});

test('the state machine refuses silence → hangover', () => {
  assert.throws(() => vadTransition('silence', 'hangover'), /illegal transition silence → hangover/);
  assert.equal(vadTransition('hangover', 'speech'), 'speech');
});
