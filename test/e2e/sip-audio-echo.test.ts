/**
 * Call audio end to end through the daemon (docs/media.md): a SIP → GSM call to a simulated outside
 * number that echoes. The audio goes SIP RTP → the gateway's jitter buffer → the simulated modem's PCM
 * port → the simulated network's echoing party → back the same way → RTP to the test.
 * - SIPp plays SIPp's own A-law capture (g711a.pcap) into the call; what comes back matches it after the
 *   G.711 round trip (normalised correlation ≥ 0.95).
 * - The test's own paced stream measures the round-trip delay it adds (reported, and bounded).
 * - A lossy, jittery stream (5 % loss, 40 ms jitter, so reordered) plays out continuously with
 *   concealment, the delay stays under the jitter buffer's cap, and the gateway's RTCP reports the loss.
 * The SDP offers the test's socket as the media address, and `sip.media.symmetricRtp` is off so the
 * gateway sends there rather than back to SIPp's sending port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { g711Decode } from '../../src/media/codec/g711.js';
import { parseRtcpCompound } from '../../src/media/rtp/index.js';
import { bestLag, frameCorrelation, RtpPeer, segmentCorrelation } from './helpers/rtp-peer.js';
import { audioDaemon as daemon, pcapAudio, playStep, sippAudioCall, until } from './helpers/audio-call.js';
import { apiCalls } from './sip-calls-in-helpers.js';

test('SIPp plays g711a.pcap into a call to an echoing number: the audio that comes back matches it (correlation ≥ 0.95)', async (t) => {
  const x = await daemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const sent = pcapAudio('g711a.pcap');
  const call = await sippAudioCall(x, peer, '13912345670', 8500, playStep('g711a.pcap'));
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
  const back = peer.audio('alaw', 8);
  assert.ok(back.length > sent.length / 2, `audio came back (${back.length} samples)`);
  const { lag, correlation } = bestLag(sent, back, 8000 * 2);
  const segments = segmentCorrelation(sent, back, lag);
  const framewise = frameCorrelation(sent, back, lag);
  t.diagnostic(`g711a.pcap round trip: correlation ${correlation.toFixed(4)} over the whole call at one lag (${lag} samples); per second: median ${segments.median.toFixed(4)}, lowest ${segments.min.toFixed(4)}; frame by frame ${framewise.toFixed(4)}`);
  // Frame by frame: the jitter buffer may move the playout point by a frame when the machine is busy.
  assert.ok(framewise >= 0.95, `frame-by-frame correlation ${framewise.toFixed(4)} < 0.95`);
});

test('round-trip delay of the echo path, and a lossy jittery stream: concealed, the delay capped, the loss in the gateway’s RTCP', async (t) => {
  const x = await daemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const signal = pcapAudio('g711a.pcap').subarray(0, 8000 * 4);
  const call = await sippAudioCall(x, peer, '13912345671', 12_000);
  t.after(() => call.kill());
  // The gateway sends (the modem's silence) from the answer on: that is where its RTP port is.
  await until('the gateway’s RTP', () => peer.gateway !== null, 10_000);
  const gateway = peer.gateway!;

  // 1. A clean stream: the round-trip delay.
  const from = peer.received.length;
  const clean = await peer.send(gateway, signal);
  await new Promise((r) => setTimeout(r, 600));
  const cleanBack = audioSince(peer, from);
  const a = bestLag(signal, cleanBack.audio, 8000 * 2);
  const aSegments = segmentCorrelation(signal, cleanBack.audio, a.lag);
  const aFrames = frameCorrelation(signal, cleanBack.audio, a.lag);
  assert.ok(aFrames >= 0.95, `clean stream: frame-by-frame correlation ${aFrames.toFixed(4)} (per second: median ${aSegments.median.toFixed(4)})`);
  const { p50, p99 } = delays(aSegments.lags, cleanBack.arrival, clean.sentAt, cleanBack.audio.length);
  t.diagnostic(`round trip through the gateway twice and the simulated modem: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
  assert.ok(p99 < 400, `round-trip p99 ${p99.toFixed(1)} ms`);

  // 2. 5 % loss and 40 ms jitter (reordering): played out without gaps, the delay under the cap.
  const lossyFrom = peer.received.length;
  const rtcpFrom = peer.rtcp.length;
  const lossy = await peer.send(gateway, signal, { loss: 0.05, jitterMs: 40, seed: 7 });
  await new Promise((r) => setTimeout(r, 600));
  // Reports sent while the stream ran count only part of its loss: the one to check comes after it.
  const streamDone = performance.now();
  const lossyBack = audioSince(peer, lossyFrom);
  const b = bestLag(signal, lossyBack.audio, 8000 * 2);
  const bSegments = segmentCorrelation(signal, lossyBack.audio, b.lag);
  t.diagnostic(`lossy stream: median per-second correlation ${bSegments.median.toFixed(4)} with concealment (lowest ${bSegments.min.toFixed(4)})`);
  assert.ok(bSegments.median >= 0.6, `the lossy stream still carries the audio (median correlation ${bSegments.median.toFixed(4)})`);
  const lossyP99 = delays(bSegments.lags, lossyBack.arrival, lossy.sentAt, lossyBack.audio.length).p99;
  t.diagnostic(`lossy stream round trip p99 ${lossyP99.toFixed(1)} ms`);
  // Each direction's jitter buffer is capped at 120 ms (sip.media.jitterBufferMs): the echo path has one
  // buffer on the way in; the way out is the modem's clock. Growth beyond the cap would show here.
  assert.ok(lossyP99 < p99 + 120 + 40, `lossy p99 ${lossyP99.toFixed(1)} ms grew beyond the cap (clean p99 ${p99.toFixed(1)} ms)`);
  // RTCP (RFC 3550 §6.4): the gateway's report on our stream counts the lost packets.
  const after = (): { at: number; bytes: Buffer }[] => peer.rtcp.slice(rtcpFrom).filter((r) => r.at > streamDone);
  await until('an RTCP report after the lossy stream', () => after().some((r) => lostReported(r.bytes) > 0), 12_000);
  const lost = Math.max(...after().map((r) => lostReported(r.bytes)));
  t.diagnostic(`the gateway's RTCP reports ${lost} packets lost`);
  assert.ok(lost >= 3, `RTCP reports ${lost} lost`);
  call.kill();
});

/** Delay of each 20 ms of the signal: when its echo arrived minus when it was sent, by each second's own lag. */
function delays(lags: { start: number; lag: number }[], arrival: (i: number) => number, sentAt: (i: number) => number, length: number): { p50: number; p99: number } {
  const all: number[] = [];
  for (const { start, lag } of lags) for (let k = start; k < start + 8000 && k + lag < length; k += 160) all.push(arrival(k + lag) - sentAt(k));
  all.sort((p, q) => p - q);
  return { p50: all[Math.floor(all.length / 2)] ?? NaN, p99: all[Math.floor(all.length * 0.99)] ?? NaN };
}

/** The cumulative loss the gateway reports on our stream in an RTCP compound packet (0 when none). */
function lostReported(bytes: Buffer): number {
  const parsed = parseRtcpCompound(bytes);
  if (!parsed.ok) return 0;
  let lost = 0;
  for (const p of parsed.packets) if ('reports' in p) for (const r of p.reports) lost = Math.max(lost, r.cumulativeLost);
  return lost;
}

/** Audio received since packet `from`, and the arrival time of the packet carrying each sample. */
function audioSince(peer: RtpPeer, from: number): { audio: Int16Array; arrival: (index: number) => number } {
  const packets = peer.received.slice(from).filter((r) => r.packet.payloadType === 8);
  const audio = new Int16Array(packets.length * 160);
  const at: number[] = [];
  packets.forEach((r, i) => {
    audio.set(g711Decode('PCMA', r.packet.payload).subarray(0, 160), i * 160);
    at.push(r.at);
  });
  return { audio, arrival: (index) => at[Math.min(at.length - 1, Math.floor(index / 160))]! };
}

test('no RTP from the SIP side for sip.media.rtpTimeoutSec: the gateway ends the call with BYE (manual §4.5 "RTP 断线检测")', async (t) => {
  const x = await daemon(t, { rtpTimeoutSec: 2 });
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const started = Date.now();
  const call = await sippAudioCall(x, peer, '13912345672', 0, '', 2, 'audio-call-rtp-timeout.xml');
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code} (no BYE from the gateway?):\n${result.output}`);
  const tookMs = Date.now() - started;
  t.diagnostic(`BYE ${tookMs} ms after the call started`);
  assert.ok(tookMs >= 2000, `not before the timeout (${tookMs} ms)`);
  const calls = await apiCalls(x.api);
  const record = calls.find((c) => c.number === '13912345672' && !c.active);
  assert.match(record?.causes.voip ?? '', /no RTP for 2 s/);
});
