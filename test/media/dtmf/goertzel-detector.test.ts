import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoertzelDtmfDetector, nextDetectorState, type DetectedDigit } from '../../../src/media/dtmf/goertzel-detector.js';
import { DTMF_DIGITS, dtmfFrequencies } from '../../../src/media/dtmf/dtmf-frequencies.js';
import alawmulaw from 'alawmulaw';
import { alawPcapAudio } from '../helpers/pcap-rtp.js';
import { chunks, concat, meanSquareOf, seededRandom, toInt16, tone, whiteNoise } from '../helpers/signals.js';
import type { DtmfDigit } from '../../../src/media/audio-contract.js';

const ms = (n: number) => Math.round(n * 8);

function run(audio: Int16Array, chunkSize: number): DetectedDigit[] {
  const d = new GoertzelDtmfDetector();
  const found: DetectedDigit[] = [];
  for (const c of chunks(audio, chunkSize)) found.push(...d.push(c));
  return found;
}

function digitTone(digit: DtmfDigit, durationMs: number, dbm0: number, twistDb = 0): Float64Array {
  const { rowHz, columnHz } = dtmfFrequencies(digit);
  return tone([{ hz: rowHz, dbm0 }, { hz: columnHz, dbm0: dbm0 + twistDb }], ms(durationMs));
}

test('every digit at several levels and durations, at odd offsets and frame sizes, is detected exactly once', () => {
  const random = seededRandom(1);
  for (const digit of DTMF_DIGITS) {
    for (const dbm0 of [-4, -10, -20, -27]) {
      for (const durationMs of [40, 55, 100, 300]) {
        const lead = Math.floor(random() * 200);
        const audio = toInt16(concat([new Float64Array(lead), digitTone(digit, durationMs, dbm0), new Float64Array(ms(60))]));
        for (const chunkSize of [160, 37, 1]) {
          const found = run(audio, chunkSize);
          assert.deepEqual(found.map((f) => f.digit), [digit], `${digit} ${dbm0} dBm0 ${durationMs} ms lead ${lead} chunks ${chunkSize}`);
          assert.ok(Math.abs(found[0].startMs - lead / 8) <= 13, `start ${found[0].startMs} vs ${lead / 8}`);
        }
      }
    }
  }
});

test('all sixteen digits in a row, 40 ms each with 40 ms gaps, under white noise at 20 dB SNR, come out once each in order', () => {
  const random = seededRandom(7);
  for (const dbm0 of [-7, -20]) {
    const parts: Float64Array[] = [new Float64Array(ms(13))];
    for (const digit of DTMF_DIGITS) parts.push(digitTone(digit, 40, dbm0), new Float64Array(ms(40)));
    const clean = concat(parts);
    const signalPower = meanSquareOf(digitTone('5', 100, dbm0));
    const noise = whiteNoise(clean.length, signalPower / 100, random);
    const noisy = clean.map((v, i) => v + noise[i]);
    const found = run(toInt16(noisy), 160);
    assert.deepEqual(found.map((f) => f.digit), DTMF_DIGITS, `${dbm0} dBm0`);
  }
});

test('twist: 6 dB normal and 3 dB reverse are accepted, 11 dB normal and 7 dB reverse are not', () => {
  const pad = new Float64Array(ms(30));
  const detect = (twistDb: number) => run(toInt16(concat([pad, digitTone('8', 100, -12, twistDb), pad])), 160).map((f) => f.digit);
  assert.deepEqual(detect(6), ['8']);
  assert.deepEqual(detect(-3), ['8']);
  assert.deepEqual(detect(11), []);
  assert.deepEqual(detect(-7), []);
});

test('a tone too weak, too short, or a single frequency is not a digit', () => {
  const pad = new Float64Array(ms(30));
  assert.deepEqual(run(toInt16(concat([pad, digitTone('1', 100, -36), pad])), 160), []);
  for (let lead = 0; lead < 102; lead += 7) {
    assert.deepEqual(run(toInt16(concat([new Float64Array(lead), digitTone('1', 20, -10), pad])), 160), [], `lead ${lead}`);
  }
  assert.deepEqual(run(toInt16(tone([{ hz: 697, dbm0: -10 }], ms(200))), 160), []);
});

test('a 40 ms pause splits a held digit into two; a 5 ms dropout does not', () => {
  const pad = new Float64Array(ms(30));
  const twice = concat([pad, digitTone('9', 80, -10), new Float64Array(ms(40)), digitTone('9', 80, -10), pad]);
  assert.deepEqual(run(toInt16(twice), 160).map((f) => f.digit), ['9', '9']);
  const glitch = concat([pad, digitTone('9', 80, -10), new Float64Array(ms(5)), digitTone('9', 80, -10), pad]);
  assert.deepEqual(run(toInt16(glitch), 160).map((f) => f.digit), ['9']);
});

test('no digit in the speech of a real G.711 A-law call', () => {
  const speech = alawPcapAudio('fixtures/media/g711a.pcap');
  assert.ok(speech.length > 8000 * 5, `${speech.length} samples`);
  assert.deepEqual(run(speech, 160), []);
});

test('no digit in dial tone (425 Hz, 450 Hz), 1 kHz test tone, or US dial tone (350+440 Hz)', () => {
  for (const freqs of [[425], [450], [1000], [350, 440], [1004]]) {
    for (const dbm0 of [0, -10, -25]) {
      const audio = toInt16(tone(freqs.map((hz) => ({ hz, dbm0 })), ms(2000)));
      assert.deepEqual(run(audio, 160), [], `${freqs} Hz at ${dbm0}`);
    }
  }
});

test('the state machine: confirmed on the fourth window, reported once, ended by four empty ones', () => {
  let s = nextDetectorState({ name: 'idle' }, '5', 0);
  for (const at of [51, 102]) {
    s = nextDetectorState(s.state, '5', at);
    assert.equal(s.report, null);
  }
  s = nextDetectorState(s.state, '5', 153);
  assert.deepEqual(s.report, { digit: '5', startMs: 0 });
  s = nextDetectorState(s.state, '5', 204);
  assert.deepEqual([s.state.name, s.report], ['active', null]);
  s = nextDetectorState(s.state, null, 255);
  assert.equal(s.state.name, 'ending');
  s = nextDetectorState(s.state, '5', 306);
  assert.deepEqual([s.state.name, s.report], ['active', null]);
  for (const at of [357, 408, 459]) s = nextDetectorState(s.state, null, at);
  assert.equal(s.state.name, 'ending');
  s = nextDetectorState(s.state, null, 510);
  assert.equal(s.state.name, 'idle');
  s = nextDetectorState({ name: 'pending', digit: '1', hits: 2, startSample: 0 }, '2', 102);
  assert.deepEqual(s.state, { name: 'pending', digit: '2', hits: 1, startSample: 102 });
  s = nextDetectorState({ name: 'ending', digit: '1', misses: 3 }, '2', 102);
  assert.deepEqual(s.state, { name: 'pending', digit: '2', hits: 1, startSample: 102 });
});

test('each talk-off check rejects on its own: a third tone near a row, energy outside the pair, a column harmonic', () => {
  const pad = new Float64Array(ms(30));
  const detect = (extra: { hz: number; dbm0: number }, options = {}) => {
    const d = new GoertzelDtmfDetector(options);
    const audio = toInt16(concat([pad, digitTone('1', 100, -10).map((v, i) => v + tone([extra], ms(100))[i]), pad]));
    return chunks(audio, 160).flatMap((c) => d.push(c)).map((f) => f.digit);
  };
  // 852 Hz (row 3) 7 dB under the 697 Hz row tone: within the 8 dB relative-peak margin.
  assert.deepEqual(detect({ hz: 852, dbm0: -17 }), []);
  assert.deepEqual(detect({ hz: 852, dbm0: -17 }, { minRelativePeakDb: 6 }), ['1']);
  // 2 kHz at −8 dBm0 holds ~44 % of the energy: the pair has less than 60 %.
  assert.deepEqual(detect({ hz: 2000, dbm0: -8 }), []);
  assert.deepEqual(detect({ hz: 2000, dbm0: -8 }, { minToneEnergyFraction: 0.5 }), ['1']);
  // 2418 Hz, the 1209 Hz column's second harmonic, 12 dB under it.
  assert.deepEqual(detect({ hz: 2418, dbm0: -22 }), []);
  assert.deepEqual(detect({ hz: 2418, dbm0: -22 }, { minHarmonicRejectionDb: 10 }), ['1']);
});

test('digits that went through G.711 (A-law and µ-law) on the way are still detected once each', () => {
  const parts: Float64Array[] = [new Float64Array(ms(7))];
  for (const digit of DTMF_DIGITS) parts.push(digitTone(digit, 60, -25), new Float64Array(ms(50)));
  const linear = toInt16(concat(parts));
  for (const codec of [alawmulaw.alaw, alawmulaw.mulaw]) {
    assert.deepEqual(run(codec.decode(codec.encode(linear)), 160).map((f) => f.digit), DTMF_DIGITS);
  }
});

test('Q.24 frequency tolerance: tones 1.5 % + 2 Hz off are digits; both tones 3.5 % off are not', () => {
  const pad = new Float64Array(ms(30));
  for (const digit of DTMF_DIGITS) {
    const { rowHz, columnHz } = dtmfFrequencies(digit);
    for (const sign of [-1, 1]) {
      const off = (hz: number, pct: number, extra: number) => hz * (1 + (sign * pct) / 100) + sign * extra;
      const near = tone([{ hz: off(rowHz, 1.5, 2), dbm0: -12 }, { hz: off(columnHz, 1.5, 2), dbm0: -12 }], ms(45));
      assert.deepEqual(run(toInt16(concat([pad, near, pad])), 160).map((f) => f.digit), [digit], `${digit} ${sign * 1.5} %`);
      const far = tone([{ hz: off(rowHz, 3.5, 0), dbm0: -12 }, { hz: off(columnHz, 3.5, 0), dbm0: -12 }], ms(100));
      assert.deepEqual(run(toInt16(concat([pad, far, pad])), 160), [], `${digit} ${sign * 3.5} %`);
    }
  }
});
