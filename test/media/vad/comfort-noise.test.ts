import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComfortNoiseGenerator, decodeComfortNoise, encodeComfortNoise, meanSquareToDbov } from '../../../src/media/vad/comfort-noise.js';
import { meanSquare } from '../../../src/media/dsp/goertzel.js';

test('RFC 3389 level octet: −dBov, clamped to 0…127', () => {
  assert.deepEqual([...encodeComfortNoise(-62.4)], [62]);
  assert.deepEqual([...encodeComfortNoise(5)], [0]);
  assert.deepEqual([...encodeComfortNoise(-200)], [127]);
  assert.deepEqual([...encodeComfortNoise(-Infinity)], [127]);
  assert.deepEqual(decodeComfortNoise(Buffer.from([62])), { levelDbov: -62, reflectionCoefficients: new Uint8Array() });
});

test('a payload with reflection coefficients keeps them; an empty or out-of-range one is refused', () => {
  const d = decodeComfortNoise(Buffer.from([40, 0x80, 0x7f, 0x90]));
  assert.equal(d?.levelDbov, -40);
  assert.deepEqual([...d!.reflectionCoefficients], [0x80, 0x7f, 0x90]);
  assert.equal(decodeComfortNoise(Buffer.alloc(0)), null);
  assert.equal(decodeComfortNoise(Buffer.from([128])), null);
});

test('dBov: a full-scale square wave is 0, a full-scale sine −3; generated noise has the level asked for', () => {
  assert.ok(Math.abs(meanSquareToDbov(32767 * 32767)) < 0.01);
  assert.ok(Math.abs(meanSquareToDbov((32767 * 32767) / 2) - -3.01) < 0.01);
  assert.equal(meanSquareToDbov(0), -127);
  const g = new ComfortNoiseGenerator();
  const noise = g.frame(-50, 8000);
  assert.ok(Math.abs(meanSquareToDbov(meanSquare(noise, 0, noise.length)) - -50) < 0.5);
  const level = decodeComfortNoise(encodeComfortNoise(meanSquareToDbov(meanSquare(noise, 0, noise.length))))!.levelDbov;
  assert.equal(level, -50);
});
