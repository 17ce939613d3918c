/** Pure parts of the audio port and the parties: port framing, rate conversion, NMEA, WAV. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPortBytes, PortFramer, portFrameBytes, toPortBytes } from '../../modem-drivers/simulator/modem/pcm-format.js';
import { nmeaBurst, nmeaSentence } from '../../modem-drivers/simulator/modem/nmea.js';
import { pcmBytes, readPcm, wavFile } from '../../modem-drivers/simulator/network/wav.js';

test('the framer cuts any chunking into whole frames: every split offset of two frames', () => {
  const stream = Buffer.from(Array.from({ length: 640 }, (_, i) => (i * 31) & 0xff));
  for (let cut = 0; cut <= stream.length; cut++) {
    const f = new PortFramer(320);
    const frames = [...f.push(stream.subarray(0, cut)), ...f.push(stream.subarray(cut))];
    assert.equal(frames.length, 2, `cut at ${cut}`);
    assert.deepEqual(Buffer.concat(frames), stream);
    assert.equal(f.buffered, 0);
  }
});

test('the framer copies what it keeps: a host reusing its buffer does not change queued bytes', () => {
  const f = new PortFramer(4);
  const b = Buffer.from([1, 2, 3]);
  f.push(b);
  b.fill(9);
  assert.deepEqual(f.push(Buffer.from([4]))[0], Buffer.from([1, 2, 3, 4]));
});

test('16 kHz and 40 ms port frames convert to network frames and back sample-exact', () => {
  const a = Int16Array.from({ length: 160 }, (_, i) => i * 100 - 8000);
  const b = Int16Array.from({ length: 160 }, (_, i) => -i * 50);
  for (const [fmt, frames] of [
    [{ sampleRate: 8000, frameMs: 20 }, [a]],
    [{ sampleRate: 16000, frameMs: 20 }, [a]],
    [{ sampleRate: 8000, frameMs: 40 }, [a, b]],
    [{ sampleRate: 16000, frameMs: 40 }, [a, b]],
  ] as const) {
    const bytes = toPortBytes(frames, fmt);
    assert.equal(bytes.length, portFrameBytes(fmt));
    assert.deepEqual(fromPortBytes(bytes, fmt), frames.map((f) => Int16Array.from(f)));
  }
  assert.equal(portFrameBytes({ sampleRate: 16000, frameMs: 40 }), 1280);
});

test('NMEA: checksums as NMEA 0183 computes them (a published GGA example)', () => {
  assert.equal(nmeaSentence('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'), '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n');
  assert.match(nmeaBurst(Date.UTC(2026, 0, 15, 12, 0, 1)), /^\$GPRMC,120001\.00,V,,,,,,,150126,,,N\*[0-9A-F]{2}\r\n/);
});

test('WAV: written and read back; raw bytes taken as s16le; other formats and truncations are errors, never throws', () => {
  const s = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
  const wav = wavFile(s);
  const back = readPcm(wav);
  assert.ok('samples' in back);
  assert.deepEqual(Array.from(back.samples), Array.from(s));
  const raw = readPcm(pcmBytes(s));
  assert.ok('samples' in raw);
  assert.deepEqual(Array.from(raw.samples), Array.from(s));
  const stereo = Buffer.from(wav);
  stereo.writeUInt16LE(2, 22);
  assert.match((readPcm(stereo) as { error: string }).error, /mono/);
  const rate = Buffer.from(wav);
  rate.writeUInt32LE(16000, 24);
  assert.match((readPcm(rate) as { error: string }).error, /8000 Hz/);
  for (let n = 12; n < wav.length; n++) {
    const r = readPcm(wav.subarray(0, n));
    if (n < 44) assert.ok('error' in r || r.samples.length === 0, `cut at ${n}`);
    else assert.ok('samples' in r && r.samples.length === (n - 44) >> 1, `cut at ${n}`);
  }
});
