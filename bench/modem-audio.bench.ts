/**
 * CPU a call's modem audio costs per 20 ms frame: the read path (NMEA filter, framer, 16 → 8 kHz) and the
 * write path (8 → 16 kHz, re-framing to 40 ms) of a 16 kHz / 40 ms SIMCom port, the heavier case. A
 * gateway runs one per line; the figure says how many concurrent calls a core can carry.
 */
import { bytesToSamples, samplesToBytes } from '../src/media/modem-audio/pcm-format.js';
import { PcmFramer } from '../src/media/modem-audio/pcm-framer.js';
import { Reframer } from '../src/media/modem-audio/reframer.js';
import { Downsampler, Upsampler } from '../src/media/modem-audio/resampler.js';

const seconds = 600;
const portFrames = (seconds * 1000) / 40;
const input = Buffer.alloc(1280);
for (let i = 0; i < 640; i++) input.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 16000)), i * 2);
const framer = new PcmFramer(1280);
const down = new Downsampler();
const up = new Upsampler();
const toCall = new Reframer(160);
const toPort = new Reframer(640);
const frame = new Int16Array(160);
let out = 0;
const t0 = process.hrtime.bigint();
for (let f = 0; f < portFrames; f++) {
  // reads arrive in USB-sized pieces
  for (let at = 0; at < input.length; at += 512) {
    for (const b of framer.push(input.subarray(at, at + 512))) out += toCall.push(down.process(bytesToSamples(b))).length;
  }
  for (let k = 0; k < 2; k++) for (const p of toPort.push(up.process(frame))) out += samplesToBytes(p).length > 0 ? 1 : 0;
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
const perFrameUs = (s * 1e6) / ((seconds * 1000) / 20);
console.log(
  `modem audio 16 kHz/40 ms, both directions: ${perFrameUs.toFixed(1)} µs per 20 ms frame (${((perFrameUs / 20000) * 100).toFixed(2)} % of a core per call), ${out} frames`,
);
