import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TonePlayer } from '../../../src/media/tones/tone-player.js';
import { parseToneSpec, type ToneSpec } from '../../../src/media/tones/tone-spec.js';
import { TONE_PRESETS } from '../../../src/media/tones/tone-presets.js';
import { goertzelFilter, goertzelPower, meanSquare } from '../../../src/media/dsp/goertzel.js';
import { powerToDbm0 } from '../../../src/media/dsp/levels.js';

function spec(text: string): ToneSpec {
  const r = parseToneSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}

/** Plays `ms` of a spec into one buffer. */
function play(s: ToneSpec, ms: number): { audio: Int16Array; player: TonePlayer } {
  const player = new TonePlayer(s);
  const frames = ms / 20;
  const audio = new Int16Array(frames * 160);
  for (let i = 0; i < frames; i++) {
    const f = player.nextFrame();
    assert.equal(f.length, 160);
    audio.set(f, i * 160);
  }
  return { audio, player };
}

/** Per 10 ms slice: is the tone on (above −50 dBm0)? */
function onOff(audio: Int16Array): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i + 80 <= audio.length; i += 80) out.push(powerToDbm0(meanSquare(audio, i, 80)) > -50);
  return out;
}

/** Run lengths of on/off slices, in ms: e.g. [350, 350, 350, …]. */
function runs(slices: boolean[]): number[] {
  const out: number[] = [];
  let n = 0;
  for (let i = 0; i < slices.length; i++) {
    n += 10;
    if (i === slices.length - 1 || slices[i + 1] !== slices[i]) {
      out.push(n);
      n = 0;
    }
  }
  return out;
}

const level = (audio: Int16Array, start: number, length: number, hz: number) => powerToDbm0(goertzelPower(audio, start, length, goertzelFilter(hz, 8000)));

test("the appendix example plays 450 Hz at −20 dBm0 without a break", () => {
  const { audio, player } = play(spec('1,0,100,0,0,0,0,0,450,0,0,0,23,0,0,0'), 2000);
  assert.ok(onOff(audio).every(Boolean));
  assert.ok(Math.abs(level(audio, 0, 16000, 450) - -20) < 0.2);
  assert.equal(player.finished, false);
});

test('China busy: 450 Hz, 350 ms on / 350 ms off', () => {
  const { audio } = play(spec(TONE_PRESETS.china.busy), 2800);
  assert.deepEqual(runs(onOff(audio)), [350, 350, 350, 350, 350, 350, 350, 350]);
  assert.ok(Math.abs(level(audio, 0, 2800, 450) - -10) < 0.3);
  assert.ok(level(audio, 0, 2800, 425) < level(audio, 0, 2800, 450) - 3);
});

test('US ringback: 440 + 480 Hz at −19 dBm0 each, 2 s on, 4 s off', () => {
  const { audio } = play(spec(TONE_PRESETS.us.ringback), 12000);
  assert.deepEqual(runs(onOff(audio)), [2000, 4000, 2000, 4000]);
  for (const hz of [440, 480]) assert.ok(Math.abs(level(audio, 0, 16000, hz) - -19) < 0.3, `${hz}`);
  assert.ok(level(audio, 0, 16000, 620) < -40);
});

test('three beats with a finite repeat, then silence and finished', () => {
  const { audio, player } = play(spec('3,2,100,50,200,50,60,40,500,1000,2000,0,10,10,10,0'), 1200);
  assert.deepEqual(runs(onOff(audio)), [100, 50, 200, 50, 60, 40, 100, 50, 200, 50, 60, 240]);
  assert.equal(player.finished, true);
  for (const hz of [500, 1000, 2000]) assert.ok(Math.abs(level(audio, 0, 800, hz) - -7) < 0.3, `${hz}`);
  assert.ok(player.nextFrame().every((s) => s === 0));
});

test('beats that do not fall on 20 ms frame edges keep their lengths', () => {
  const { audio } = play(spec('1,0,130,70,0,0,0,0,1000,0,0,0,13,0,0,0'), 2000);
  assert.deepEqual(runs(onOff(audio)), Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 130 : 70)));
});
