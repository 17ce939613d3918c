import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Downsampler, Upsampler } from '../../../src/media/modem-audio/resampler.js';
import { Reframer } from '../../../src/media/modem-audio/reframer.js';
import { rms, tone } from './fake-audio.js';

const db = (ratio: number) => 20 * Math.log10(ratio);

/** 16 kHz → 8 kHz in 40 ms frames; the RMS of the output after the filter has settled, over the input's. */
function downGain(hz: number): number {
  const d = new Downsampler();
  const out: Int16Array[] = [];
  for (let f = 0; f < 25; f++) out.push(d.process(tone(hz, 16000, 640, 10000, f * 640)));
  const settled = out.slice(5);
  assert.ok(settled.every((x) => x.length === 320));
  const all = new Int16Array(settled.length * 320);
  settled.forEach((x, i) => all.set(x, i * 320));
  return rms(all) / rms(tone(hz, 16000, 16000));
}

function upGain(hz: number, measureHz: number): number {
  const u = new Upsampler();
  const out: Int16Array[] = [];
  for (let f = 0; f < 25; f++) out.push(u.process(tone(hz, 8000, 160, 10000, f * 160)));
  const all = new Int16Array(20 * 320);
  out.slice(5).forEach((x, i) => all.set(x, i * 320));
  // the level at measureHz, by correlating with a sine and a cosine (one bin of a DFT)
  let re = 0;
  let im = 0;
  for (let i = 0; i < all.length; i++) {
    re += all[i]! * Math.cos((2 * Math.PI * measureHz * i) / 16000);
    im += all[i]! * Math.sin((2 * Math.PI * measureHz * i) / 16000);
  }
  return (2 * Math.hypot(re, im)) / all.length / 10000;
}

test('16 kHz → 8 kHz: a 1 kHz tone keeps its level (within 0.5 dB), a 5 kHz one is down more than 40 dB', () => {
  assert.ok(Math.abs(db(downGain(1000))) < 0.5, `1 kHz: ${db(downGain(1000)).toFixed(2)} dB`);
  assert.ok(Math.abs(db(downGain(3000))) < 1, `3 kHz: ${db(downGain(3000)).toFixed(2)} dB`);
  assert.ok(db(downGain(5000)) < -40, `5 kHz: ${db(downGain(5000)).toFixed(2)} dB`);
  assert.ok(db(downGain(7000)) < -40, `7 kHz: ${db(downGain(7000)).toFixed(2)} dB`);
});

test('8 kHz → 16 kHz: a 1 kHz tone keeps its level, its 7 kHz image is down more than 40 dB', () => {
  assert.ok(Math.abs(db(upGain(1000, 1000))) < 0.5, `1 kHz: ${db(upGain(1000, 1000)).toFixed(2)} dB`);
  assert.ok(db(upGain(1000, 7000)) < -40, `7 kHz image: ${db(upGain(1000, 7000)).toFixed(2)} dB`);
});

test('naive decimation would alias 5 kHz to 3 kHz at full level; the filter does not', () => {
  const x = tone(5000, 16000, 640);
  const naive = Int16Array.from({ length: 320 }, (_, i) => x[2 * i]!);
  assert.ok(db(rms(naive) / rms(x)) > -1, 'the premise: dropping samples keeps the alias');
  assert.ok(db(downGain(5000)) < -40);
});

test('full-scale input does not wrap around (clamped to 16 bits)', () => {
  const u = new Upsampler();
  const square = Int16Array.from({ length: 160 }, (_, i) => (Math.floor(i / 4) % 2 ? 32767 : -32768));
  for (let k = 0; k < 3; k++) {
    const out = u.process(square);
    for (let i = 1; i < out.length; i++) assert.ok(Math.abs(out[i]! - out[i - 1]!) < 40000, 'a jump of a full range means a wrap');
  }
});

test('re-framing 40 ms into 20 ms and back keeps every sample in order', () => {
  const to20 = new Reframer(160);
  const to40 = new Reframer(320);
  const input = Int16Array.from({ length: 320 * 5 }, (_, i) => i);
  const mid: Int16Array[] = [];
  for (let f = 0; f < 5; f++) mid.push(...to20.push(input.subarray(f * 320, (f + 1) * 320)));
  assert.equal(mid.length, 10);
  assert.ok(mid.every((m) => m.length === 160));
  const back = mid.flatMap((m) => to40.push(m));
  assert.equal(back.length, 5);
  assert.deepEqual(Int16Array.from(back.flatMap((b) => [...b])), input);
  // odd pushes: whole frames only, the rest waits
  const r = new Reframer(160);
  assert.equal(r.push(new Int16Array(100)).length, 0);
  assert.equal(r.push(new Int16Array(100)).length, 1);
  assert.equal(r.push(new Int16Array(280)).length, 2);
});
