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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmsDaemon, type SmsDaemon } from './sms-daemon.js';
import { assertSippInstalled, freeUdpPort, startSipp } from '../helpers/sipp.js';
import { readPcapUdp, SIPP_PCAP_DIR } from '../helpers/pcap.js';
import { g711Decode } from '../../src/media/codec/g711.js';
import { parseRtp, parseRtcpCompound } from '../../src/media/rtp/index.js';
import { bestLag, RtpPeer } from './helpers/rtp-peer.js';

const SCENARIO = fileURLToPath(new URL('../../../test/e2e/scenarios/audio-call.xml', import.meta.url));

/** The A-law audio of SIPp's capture, in order. */
function pcapAudio(file: string): Int16Array {
  const packets = readPcapUdp(join(SIPP_PCAP_DIR, file))
    .map((u) => parseRtp(u.payload))
    .flatMap((r) => (r.ok && r.packet.payloadType === 8 ? [r.packet] : []));
  const out = new Int16Array(packets.reduce((n, p) => n + p.payload.length, 0));
  let at = 0;
  for (const p of packets) {
    out.set(g711Decode('PCMA', p.payload), at);
    at += p.payload.length;
  }
  return out;
}

interface Call {
  done: Promise<{ code: number | null; output: string }>;
  kill(): void;
}

/** SIPp calls `number` offering the peer's port as its media; `play` makes SIPp play that capture after the ACK. */
async function sippAudioCall(x: SmsDaemon, peer: RtpPeer, number: string, holdMs: number, play?: string): Promise<Call> {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-audio-'));
  const playXml = play ? `<nop><action><exec play_pcap_audio="${join(SIPP_PCAP_DIR, play)}"/></action></nop>` : '';
  const scenario = readFileSync(SCENARIO, 'utf8').replaceAll('MEDIA_PORT', String(peer.port)).replaceAll('HOLD_MS', String(holdMs)).replace('<!--PLAY-->', playXml);
  writeFileSync(join(dir, 'call.xml'), scenario);
  const mediaPort = await freeUdpPort();
  const run = startSipp(['-sf', join(dir, 'call.xml'), '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-mp', String(mediaPort), '-m', '1', '-nostdin', '-timeout', '40s', '-s', number, `127.0.0.1:${x.d.sip!.ports.udp}`], dir);
  const done = run.exited.then((code) => ({ code, output: run.output() })).finally(() => rmSync(dir, { recursive: true, force: true }));
  return { done, kill: () => run.kill() };
}

async function daemon(t: { after(fn: () => Promise<void>): void }): Promise<SmsDaemon> {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { media: { symmetricRtp: false } } } });
  t.after(() => x.stop());
  return x;
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('SIPp plays g711a.pcap into a call to an echoing number: the audio that comes back matches it (correlation ≥ 0.95)', async (t) => {
  const x = await daemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const sent = pcapAudio('g711a.pcap');
  const call = await sippAudioCall(x, peer, '13912345670', 8500, 'g711a.pcap');
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
  const back = peer.audio('alaw', 8);
  assert.ok(back.length > sent.length / 2, `audio came back (${back.length} samples)`);
  const { lag, correlation } = bestLag(sent, back, 8000 * 2);
  t.diagnostic(`g711a.pcap round trip: correlation ${correlation.toFixed(4)} at a lag of ${lag} samples in the returned stream`);
  assert.ok(correlation >= 0.95, `correlation ${correlation.toFixed(4)} < 0.95`);
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
  assert.ok(a.correlation >= 0.95, `clean stream correlation ${a.correlation.toFixed(4)}`);
  // The returned sample k + lag is sample k of the signal: its arrival minus its sending.
  const delays: number[] = [];
  for (let k = 0; k + a.lag < cleanBack.audio.length && k < signal.length; k += 160) delays.push(cleanBack.arrival(k + a.lag) - clean.sentAt(k));
  delays.sort((p, q) => p - q);
  const p50 = delays[Math.floor(delays.length / 2)]!;
  const p99 = delays[Math.floor(delays.length * 0.99)]!;
  t.diagnostic(`round trip through the gateway twice and the simulated modem: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
  assert.ok(p99 < 400, `round-trip p99 ${p99.toFixed(1)} ms`);

  // 2. 5 % loss and 40 ms jitter (reordering): played out without gaps, the delay under the cap.
  const lossyFrom = peer.received.length;
  const rtcpFrom = peer.rtcp.length;
  const lossy = await peer.send(gateway, signal, { loss: 0.05, jitterMs: 40, seed: 7 });
  await new Promise((r) => setTimeout(r, 600));
  const lossyBack = audioSince(peer, lossyFrom);
  const b = bestLag(signal, lossyBack.audio, 8000 * 2);
  t.diagnostic(`lossy stream: correlation ${b.correlation.toFixed(4)} with concealment`);
  assert.ok(b.correlation >= 0.6, `the lossy stream still carries the audio (correlation ${b.correlation.toFixed(4)})`);
  const lossyDelays: number[] = [];
  for (let k = 0; k + b.lag < lossyBack.audio.length && k < signal.length; k += 160) lossyDelays.push(lossyBack.arrival(k + b.lag) - lossy.sentAt(k));
  lossyDelays.sort((p, q) => p - q);
  const lossyP99 = lossyDelays[Math.floor(lossyDelays.length * 0.99)]!;
  t.diagnostic(`lossy stream round trip p99 ${lossyP99.toFixed(1)} ms`);
  // Each direction's jitter buffer is capped at 120 ms (sip.media.jitterBufferMs): the echo path has one
  // buffer on the way in; the way out is the modem's clock. Growth beyond the cap would show here.
  assert.ok(lossyP99 < p99 + 120 + 40, `lossy p99 ${lossyP99.toFixed(1)} ms grew beyond the cap (clean p99 ${p99.toFixed(1)} ms)`);
  // RTCP (RFC 3550 §6.4): the gateway's report on our stream counts the lost packets.
  await until('an RTCP report after the lossy stream', () => peer.rtcp.slice(rtcpFrom).some((r) => lostReported(r.bytes) > 0), 12_000);
  const lost = Math.max(...peer.rtcp.slice(rtcpFrom).map((r) => lostReported(r.bytes)));
  t.diagnostic(`the gateway's RTCP reports ${lost} packets lost`);
  assert.ok(lost >= 3, `RTCP reports ${lost} lost`);
  call.kill();
});

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
