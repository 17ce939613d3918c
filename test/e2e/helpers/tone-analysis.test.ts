/** The recording checks the audio end-to-end tests rely on: WAV reading and the tone analysis. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTone, readWav16, toneWav } from './tone-analysis.js';

test('toneWav and readWav16 round-trip an 8 kHz mono tone', () => {
  const pcm = readWav16(toneWav(700, 0.5));
  assert.equal(pcm.rate, 8000);
  assert.equal(pcm.samples.length, 4000);
  assert.equal(pcm.samples[0], 0);
  assert.ok(Math.max(...pcm.samples) > 9900 && Math.max(...pcm.samples) <= 10_000);
});

test('readWav16 reads a file left unfinished (data length 0) to its end, the first channel of a stereo file, after other chunks', () => {
  const mono = toneWav(1000, 0.1);
  const unfinished = Buffer.from(mono);
  unfinished.writeUInt32LE(0, 40);
  assert.deepEqual(readWav16(unfinished).samples, readWav16(mono).samples);

  // Stereo at 48 kHz with a LIST chunk before the data: left is a ramp, right its negation.
  const frames = 10;
  const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0', 'latin1')]);
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(2, 10);
  fmt.writeUInt32LE(48000, 12);
  fmt.writeUInt32LE(48000 * 4, 16);
  fmt.writeUInt16LE(4, 20);
  fmt.writeUInt16LE(16, 22);
  const data = Buffer.alloc(8 + frames * 4);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(frames * 4, 4);
  for (let i = 0; i < frames; i++) {
    data.writeInt16LE(i * 100, 8 + i * 4);
    data.writeInt16LE(-i * 100, 10 + i * 4);
  }
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, list, data]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  const stereo = readWav16(Buffer.concat([header, body]));
  assert.equal(stereo.rate, 48000);
  assert.deepEqual([...stereo.samples], Array.from({ length: frames }, (_, i) => i * 100));
});

test('readWav16 refuses what is not 16-bit PCM WAV', () => {
  assert.throws(() => readWav16(Buffer.from('not a wav file at all')), /RIFF\/WAVE/);
  const eightBit = toneWav(700, 0.1);
  eightBit.writeUInt16LE(8, 34);
  assert.throws(() => readWav16(eightBit), /16-bit PCM/);
  assert.throws(() => readWav16(toneWav(700, 0.1).subarray(0, 36)), /data chunk/);
});

test('analyseTone finds the tone between silences, its share near 1 and another tone near 0', () => {
  const tone = readWav16(toneWav(425, 1)).samples;
  const padded = new Int16Array(8000 * 3);
  padded.set(tone, 8000);
  const r = analyseTone({ rate: 8000, samples: padded }, [425, 1000]);
  assert.equal(r.seconds, 1);
  assert.equal(r.dominantHz, 425);
  assert.ok(r.shares[425]! > 0.95, `425 Hz share ${r.shares[425]}`);
  assert.ok(r.shares[1000]! < 0.01, `1000 Hz share ${r.shares[1000]}`);
});

test('analyseTone: a tone between the scan steps is still found at the nearest step; silence has no sound', () => {
  const r = analyseTone(readWav16(toneWav(1010, 0.5)), [1000]);
  assert.equal(r.dominantHz, 1000);
  // 10 Hz off a 25 Hz wide bin keeps sinc²(0.4) ≈ 0.57 of the power there.
  assert.ok(r.shares[1000]! > 0.5, `1000 Hz share ${r.shares[1000]}`);
  const quiet = analyseTone({ rate: 8000, samples: new Int16Array(8000) }, [1000]);
  assert.equal(quiet.seconds, 0);
  assert.equal(quiet.shares[1000], 0);
});
