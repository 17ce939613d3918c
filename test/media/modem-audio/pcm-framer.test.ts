import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcmFramer } from '../../../src/media/modem-audio/pcm-framer.js';
import { NmeaFilter } from '../../../src/media/modem-audio/nmea-filter.js';
import { bytesToSamples, samplesToBytes } from '../../../src/media/modem-audio/pcm-format.js';
import { prng } from '../../helpers/prng.js';

/** Bytes 0..n-1 of a stream whose samples count up, so any misalignment shows as wrong values. */
function counting(samples: number, from = 0): Buffer {
  const s = new Int16Array(samples);
  for (let i = 0; i < samples; i++) s[i] = ((from + i) % 30000) - 15000;
  return samplesToBytes(s);
}

function frameAll(framer: PcmFramer, chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks.flatMap((c) => framer.push(c)));
}

test('a stream of three 320-byte frames split in two at every byte offset gives the same three frames', () => {
  const stream = counting(480);
  for (let cut = 0; cut <= stream.length; cut++) {
    const f = new PcmFramer(320);
    const frames = [...f.push(stream.subarray(0, cut)), ...f.push(stream.subarray(cut))];
    assert.equal(frames.length, 3, `cut ${cut}`);
    assert.ok(frames.every((x) => x.length === 320));
    assert.deepEqual(Buffer.concat(frames), stream, `cut ${cut}`);
  }
});

test('split in three at every pair of offsets (1280-byte frames of 16 kHz / 40 ms, sampled), and in 1-byte reads', () => {
  const stream = counting(1280);
  for (let a = 0; a <= stream.length; a += 37) {
    for (let b = a; b <= stream.length; b += 53) {
      const f = new PcmFramer(1280);
      const out = frameAll(f, [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
      assert.deepEqual(out, stream, `cuts ${a},${b}`);
    }
  }
  const f = new PcmFramer(320);
  const out = frameAll(f, [...stream].map((b) => Buffer.from([b])));
  assert.deepEqual(out, stream);
});

test('an odd-length NMEA sentence between audio bytes is cut out at every split, so the samples stay aligned', () => {
  const gga = Buffer.from('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n', 'latin1');
  assert.equal(gga.length % 2, 1, 'odd length: left in, it would shift every later sample');
  const before = counting(161);
  const after = counting(159, 161);
  const stream = Buffer.concat([before, gga, after]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const f = new PcmFramer(320);
    const out = frameAll(f, [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.deepEqual(bytesToSamples(out), bytesToSamples(counting(320)), `cut ${cut}`);
    assert.equal(f.sentencesRemoved, 1);
  }
});

test('audio that only looks like a sentence passes unchanged: bad checksum, no CR LF, lower case, too long', () => {
  const bad = [
    '$GPGGA,1,2*00\r\n',
    '$GPGSV,1,2*56\rX',
    '$gpgga,1*47\r\n',
    `$GPTXT,${'A'.repeat(140)}*00\r\n`,
    '$$$$',
  ];
  for (const b of bad) {
    const stream = Buffer.concat([counting(10), Buffer.from(b, 'latin1'), counting(10)]);
    const n = new NmeaFilter();
    const out = Buffer.concat([n.push(stream.subarray(0, 23)), n.push(stream.subarray(23)), n.push(Buffer.alloc(200))]);
    assert.deepEqual(out.subarray(0, stream.length), stream, b);
    assert.equal(n.removed, 0);
  }
});

test('random audio full of $ bytes comes through byte for byte (held bytes are released, none lost)', () => {
  const r = prng(7);
  const stream = Buffer.alloc(64_000);
  for (let i = 0; i < stream.length; i++) stream[i] = r() < 0.05 ? 0x24 : Math.floor(r() * 256);
  const f = new PcmFramer(320);
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; ) {
    const n = 1 + Math.floor(r() * 700);
    chunks.push(stream.subarray(at, at + n));
    at += n;
  }
  assert.deepEqual(frameAll(f, chunks), stream);
});

test('a frame size that is not a positive even number is refused', () => {
  for (const n of [0, -2, 321, 1.5]) assert.throws(() => new PcmFramer(n), RangeError);
});
