/**
 * Call-audio signal processing cost per bridged call, as a share of one core. A bridged call moves 50
 * frames of 20 ms each way every second. Target (issue 13): all per-call media work within 0.5 % of
 * one core; the in-band DTMF detector is one part of that budget, run on one direction (or two).
 * Also measured: the energy VAD, the tone player, and SRTP protect + unprotect of a 20 ms G.711 packet.
 */
import { GoertzelDtmfDetector } from '../src/media/dtmf/goertzel-detector.js';
import { DtmfGenerator } from '../src/media/dtmf/dtmf-generator.js';
import { EnergyVad } from '../src/media/vad/energy-vad.js';
import { TonePlayer } from '../src/media/tones/tone-player.js';
import { parseToneSpec } from '../src/media/tones/tone-spec.js';
import { TONE_PRESETS } from '../src/media/tones/tone-presets.js';
import { SrtpTransform } from '../src/media/srtp/srtp-transform.js';
import { generateSrtpMasterKey } from '../src/media/srtp/sdes-crypto.js';
import { alawPcapAudio } from '../test/media/helpers/pcap-rtp.js';

const FRAMES_PER_SECOND = 50;
const TARGET_SHARE = 0.5; // % of one core per bridged call, all media work

// Speech from a real call with a digit every second mixed in: the detector's realistic mix of work.
const speech = alawPcapAudio('fixtures/media/g711a.pcap');
const frames: Int16Array[] = [];
for (let i = 0; i + 160 <= speech.length; i += 160) frames.push(speech.slice(i, i + 160));
const digits = new DtmfGenerator();
for (let i = 0; i < frames.length; i += 50) {
  digits.enqueue('5', { durationMs: 80, gapMs: 0, levelDbm0: -10 });
  for (let k = 0; k < 4 && i + k < frames.length; k++) frames[i + k] = digits.nextFrame() ?? frames[i + k];
}

/** Microseconds per frame of `work`, over enough frames for a stable figure. */
function perFrameMicros(work: (frame: Int16Array) => void, totalFrames: number): number {
  for (let i = 0; i < 5000; i++) work(frames[i % frames.length]); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < totalFrames; i++) work(frames[i % frames.length]);
  return Number(process.hrtime.bigint() - t0) / 1000 / totalFrames;
}

function report(name: string, microsPerFrame: number, directions: number): number {
  const share = (microsPerFrame * FRAMES_PER_SECOND * directions) / 1e6 * 100;
  console.log(`${name}: ${microsPerFrame.toFixed(2)} µs per 20 ms frame; ${directions} direction(s) per call = ${share.toFixed(4)} % of one core`);
  return share;
}

const detector = new GoertzelDtmfDetector();
let found = 0;
const dtmf = report('Goertzel DTMF detector', perFrameMicros((f) => (found += detector.push(f).length), 200_000), 2);
if (found === 0) throw new Error('the detector found none of the mixed-in digits');

const vad = new EnergyVad();
const vadShare = report('energy VAD', perFrameMicros((f) => vad.process(f), 200_000), 1);

const ringback = parseToneSpec(TONE_PRESETS.us.ringback);
if (!ringback.ok) throw new Error(ringback.error);
const player = new TonePlayer(ringback.spec);
const toneShare = report('tone player (2 frequencies)', perFrameMicros(() => player.nextFrame(), 100_000), 1);

const ours = generateSrtpMasterKey();
const theirs = generateSrtpMasterKey();
const sender = new SrtpTransform({ local: ours, remote: theirs });
const receiver = new SrtpTransform({ local: theirs, remote: ours });
const packet = Buffer.concat([Buffer.from('80080000000000001234abcd', 'hex'), Buffer.alloc(160, 0xd5)]);
let seq = 0;
const srtpShare = report(
  'SRTP protect + unprotect, one 172-byte packet each way',
  perFrameMicros(() => {
    packet.writeUInt16BE(seq++ & 0xffff, 2);
    if (!receiver.unprotectRtp(sender.protectRtp(packet))) throw new Error('SRTP round trip failed');
  }, 100_000),
  1, // one protect and one unprotect per frame time is both directions' work
);

const total = dtmf + vadShare + srtpShare;
console.log(`per bridged call (DTMF both ways + VAD + SRTP both ways): ${total.toFixed(4)} % of one core  target <= ${TARGET_SHARE} % for all media work (tones: ${toneShare.toFixed(4)} % while one plays)`);
