import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatToneSpec, parseToneSpec } from '../../../src/media/tones/tone-spec.js';
import { TONE_NAMES, TONE_PRESETS, TONE_PRESET_NAMES } from '../../../src/media/tones/tone-presets.js';

test("the manual's appendix B example: 450 Hz at −20 dB, continuous", () => {
  const r = parseToneSpec('1,0,100,0,0,0,0,0,450,0,0,0,23,0,0,0');
  assert.ok(r.ok);
  assert.deepEqual(r.spec, {
    components: [{ frequencyHz: 450, levelDbm0: -20 }],
    beats: [
      { onMs: 100, offMs: 0 },
      { onMs: 0, offMs: 0 },
      { onMs: 0, offMs: 0 },
    ],
    repeat: 0,
  });
  assert.equal(formatToneSpec(r.spec), '1,0,100,0,0,0,0,0,450,0,0,0,23,0,0,0');
});

test('spaces as in the syntax line, four frequencies, three beats and a finite repeat', () => {
  const r = parseToneSpec(' 4, 3, 200,100, 300,100, 400,900, 400, 800,1200,1600, 0, 10, 20, 31 ');
  assert.ok(r.ok);
  assert.deepEqual(r.spec.components.map((c) => [c.frequencyHz, c.levelDbm0]), [[400, 3], [800, -7], [1200, -17], [1600, -28]]);
  assert.deepEqual(r.spec.beats, [{ onMs: 200, offMs: 100 }, { onMs: 300, offMs: 100 }, { onMs: 400, offMs: 900 }]);
  assert.equal(r.spec.repeat, 3);
});

test('bad text is refused with the field at fault named', () => {
  const bad: [string, RegExp][] = [
    ['', /16 comma-separated fields/],
    ['1,0,100,0,0,0,0,0,450,0,0,0,23,0,0', /not 15/],
    ['5,0,100,0,0,0,0,0,450,0,0,0,23,0,0,0', /nf .* 1 to 4, not 5/],
    ['0,0,100,0,0,0,0,0,450,0,0,0,23,0,0,0', /nf/],
    ['1,0,100,0,0,0,0,0,250,0,0,0,23,0,0,0', /f1 must be 300 to 3000 Hz, not 250/],
    ['2,0,100,0,0,0,0,0,450,3500,0,0,23,0,0,0', /f2 .* not 3500/],
    ['1,0,100,0,0,0,0,0,450,0,0,0,32,0,0,0', /l1 must be 0 to 31/],
    ['1,0,0,100,0,0,0,0,450,0,0,0,23,0,0,0', /no beat sounds/],
    ['1,0,-100,0,0,0,0,0,450,0,0,0,23,0,0,0', /p1on must be a whole number/],
    ['1,0,1e2,0,0,0,0,0,450,0,0,0,23,0,0,0', /p1on .* "1e2"/],
    ['1,x,100,0,0,0,0,0,450,0,0,0,23,0,0,0', /rpt/],
    ['1,0,100,0,0,0,0,0,450.5,0,0,0,23,0,0,0', /f1/],
    ['1,0,90000,0,0,0,0,0,450,0,0,0,23,0,0,0', /beat 1 is longer/],
  ];
  for (const [text, error] of bad) {
    const r = parseToneSpec(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.error, error, text);
  }
  assert.equal(parseToneSpec(undefined as never).ok, false);
});

test('every preset tone parses and round-trips', () => {
  for (const preset of TONE_PRESET_NAMES) {
    for (const name of TONE_NAMES) {
      const r = parseToneSpec(TONE_PRESETS[preset][name]);
      assert.ok(r.ok, `${preset} ${name}: ${!r.ok && r.error}`);
      assert.equal(formatToneSpec(r.spec), TONE_PRESETS[preset][name]);
    }
  }
});

test('random text never throws and is refused or parsed within bounds', () => {
  const alphabet = '0123456789,,,, -x.^';
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 3000; i++) {
    const text = Array.from({ length: Math.floor(rnd() * 60) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    const r = parseToneSpec(text);
    if (r.ok) {
      assert.ok(r.spec.components.length >= 1 && r.spec.components.length <= 4);
      assert.ok(r.spec.components.every((c) => c.frequencyHz >= 300 && c.frequencyHz <= 3000 && c.levelDbm0 <= 3 && c.levelDbm0 >= -28));
    } else assert.ok(r.error.length > 0);
  }
});
