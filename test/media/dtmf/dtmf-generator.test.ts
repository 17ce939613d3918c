import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfGenerator } from '../../../src/media/dtmf/dtmf-generator.js';
import { GoertzelDtmfDetector } from '../../../src/media/dtmf/goertzel-detector.js';
import { DTMF_DIGITS, dtmfFrequencies } from '../../../src/media/dtmf/dtmf-frequencies.js';
import { goertzelFilter, goertzelPower } from '../../../src/media/dsp/goertzel.js';
import { powerToDbm0 } from '../../../src/media/dsp/levels.js';

function join(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => out.set(f, i * 160));
  return out;
}

test('a digit is its Q.23 pair at the asked level for the asked time, then silence for the gap', () => {
  const frames = DtmfGenerator.digitFrames('6', { durationMs: 90, gapMs: 50, levelDbm0: -13 });
  assert.equal(frames.length, 7); // 140 ms → 7 frames of 20 ms
  assert.ok(frames.every((f) => f.length === 160));
  const audio = join(frames);
  const { rowHz, columnHz } = dtmfFrequencies('6');
  for (const hz of [rowHz, columnHz]) {
    const level = powerToDbm0(goertzelPower(audio, 0, 720, goertzelFilter(hz, 8000)));
    assert.ok(Math.abs(level - -13) < 0.3, `${hz} Hz at ${level} dBm0`);
  }
  assert.ok(audio.subarray(720).every((s) => s === 0), 'the gap is silent');
  assert.notEqual(audio[719], 0);
});

test('the tone is phase-continuous across frame edges: no step larger than the sines can make', () => {
  const audio = join(DtmfGenerator.digitFrames('D', { durationMs: 200, gapMs: 0, levelDbm0: -3 }));
  // The largest sample-to-sample change of the pair is about A·(ω1+ω2); a phase reset at an edge would exceed it.
  const { rowHz, columnHz } = dtmfFrequencies('D');
  const a = 32767 * 10 ** ((-3 - 3.14) / 20);
  const limit = a * 2 * Math.PI * (rowHz + columnHz) / 8000 + 2;
  for (let i = 1; i < audio.length; i++) assert.ok(Math.abs(audio[i] - audio[i - 1]) <= limit, `step at ${i}`);
});

test('queued digits play back to back and every one is detected once, in order', () => {
  const g = new DtmfGenerator();
  for (const d of DTMF_DIGITS) g.enqueue(d, { durationMs: 45, gapMs: 45, levelDbm0: -20 });
  const detector = new GoertzelDtmfDetector();
  const found: string[] = [];
  let frames = 0;
  for (let f = g.nextFrame(); f; f = g.nextFrame()) {
    frames++;
    found.push(...detector.push(f).map((x) => x.digit));
  }
  assert.equal(frames, Math.ceil((16 * 90) / 20));
  assert.equal(g.busy, false);
  assert.equal(g.nextFrame(), null);
  assert.deepEqual(found, DTMF_DIGITS);
});

test('a value that is not a digit is refused', () => {
  assert.throws(() => new DtmfGenerator().enqueue('E' as never), /not a DTMF digit/);
});
