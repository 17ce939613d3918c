/**
 * Two-stage dialling from SIP with the number keyed in the audio stream (manual §4.6; docs/media.md):
 * the gateway answers at once and the caller hears its dial tone (`sip.media.tonePreset`, China's
 * 450 Hz by default); the number comes as RFC 4733 events (SIPp plays its dtmf_2833_<d>.pcap
 * captures, ending with #) or as in-band tones in the RTP audio; the line then dials it. (SIP INFO
 * digits: test/e2e/sip-calls-out-two-stage.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outsideCalls } from './sip-calls-in-helpers.js';
import { waitFor } from './sms-daemon.js';
import { RtpPeer, toneShare } from './helpers/rtp-peer.js';
import { playStep, sippAudioCall, until } from './helpers/audio-call.js';
import { startSmsDaemon } from './sms-daemon.js';
import { DtmfGenerator } from '../../src/media/dtmf/dtmf-generator.js';
import type { DtmfDigit } from '../../src/media/audio-contract.js';

const TWO_STAGE = { calls: { twoStage: { enabled: true, digitTimeoutSec: 3, forwardNumber: null } } };

async function twoStageDaemon(t: { after(fn: () => Promise<void>): void }) {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { ...TWO_STAGE, media: { symmetricRtp: false } } } });
  t.after(() => x.stop());
  return x;
}

const PCAP_NAME: Record<string, string> = { '#': 'pound', '*': 'star' };

test('two-stage with RFC 4733: SIPp keys 13579# from its captures; the caller heard the dial tone; the line dials 13579', async (t) => {
  const x = await twoStageDaemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  // SIPp's digit captures 1-9, * and # come from one stream (one SSRC, rising sequence numbers and
  // timestamps): played in that order they are one caller keying digits; a digit played twice would be
  // the same packets again, which RFC 3550/4733 receivers rightly drop.
  const steps = [...'13579#'].map((d) => `${playStep(`dtmf_2833_${PCAP_NAME[d] ?? d}.pcap`)}<pause milliseconds="400"/>`).join('');
  const call = await sippAudioCall(x, peer, '8888', 3000, `<pause milliseconds="800"/>${steps}`);
  t.after(() => call.kill());
  await until('the dial tone', () => peer.audio().length >= 8000 * 0.6, 10_000);
  const heard = peer.audio().subarray(800, 8000 * 0.6);
  const share = toneShare(heard, 450);
  t.diagnostic(`dial tone: 450 Hz holds ${(share * 100).toFixed(0)} % of the power`);
  assert.ok(share > 0.3, `the caller hears the 450 Hz dial tone (share ${share.toFixed(3)})`);
  const calls = await waitFor('the line to dial 13579', () => outsideCalls(x.control), (l) => l.some((c) => c.to.endsWith('13579')), 20_000);
  assert.ok(calls.some((c) => c.to.endsWith('13579')));
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
});

test('two-stage in-band: DTMF tones in the caller’s audio make the number; the line dials it', async (t) => {
  const x = await twoStageDaemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const call = await sippAudioCall(x, peer, '8888', 6000);
  t.after(() => call.kill());
  await until('the gateway’s RTP', () => peer.gateway !== null, 10_000);
  const tones = [...'10087#'].flatMap((d) => DtmfGenerator.digitFrames(d as DtmfDigit, { durationMs: 100, gapMs: 100 }));
  const signal = new Int16Array(tones.length * 160 + 800);
  tones.forEach((f, i) => signal.set(f, 400 + i * 160));
  await peer.send(peer.gateway!, signal);
  const calls = await waitFor('the line to dial 10087', () => outsideCalls(x.control), (l) => l.some((c) => c.to.endsWith('10087')), 20_000);
  assert.ok(calls.some((c) => c.to.endsWith('10087')));
});
