/**
 * DTMF through the daemon both ways (manual §4.4 "DTMF 信号"; docs/media.md), on a SIP → GSM call to a
 * simulated outside party:
 * - from SIP as RFC 4733 events (SIPp plays its dtmf_2833_<d>.pcap captures), as SIP INFO, and in-band
 *   (tones in the RTP audio): the party hears the right digits, keyed by AT+VTS (`dtmfToGsm: "vts"`,
 *   the party's `dtmfReceived`) or as tones in the audio (`dtmfToGsm: "inband"`, found in the party's
 *   recording by the in-band detector);
 * - from GSM: keys the party presses reach the SIP side as RFC 4733 events (the modem's +QTONEDET).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmsDaemon } from './sms-daemon.js';
import { waitFor } from './sms-daemon.js';
import { outsideCalls } from './sip-calls-in-helpers.js';
import { RtpPeer } from './helpers/rtp-peer.js';
import { audioDaemon, infoStep, playStep, sippAudioCall, until } from './helpers/audio-call.js';
import { DtmfGenerator } from '../../src/media/dtmf/dtmf-generator.js';
import { GoertzelDtmfDetector } from '../../src/media/dtmf/goertzel-detector.js';
import type { DtmfDigit } from '../../src/media/audio-contract.js';

/** The call the outside party has with the gateway's SIM for `number` (the simulator shows it as dialled). */
async function outsideCall(x: SmsDaemon, number: string) {
  const calls = await waitFor(`the outside party's call to ${number}`, () => outsideCalls(x.control), (l) => l.some((c) => c.to.endsWith(number) && c.endedAt === null), 15_000);
  return calls.find((c) => c.to.endsWith(number) && c.endedAt === null)!;
}

async function dtmfReceived(x: SmsDaemon, number: string): Promise<string> {
  const calls = await outsideCalls(x.control);
  return (calls.find((c) => c.to.endsWith(number)) as unknown as { dtmfReceived: string } | undefined)?.dtmfReceived ?? '';
}

/** Makes the outside party for `number` answer and record what it hears. */
async function recordingParty(x: SmsDaemon, number: string): Promise<void> {
  const r = await fetch(`${x.control}/outside/rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pattern: `${number}$`, behaviour: { kind: 'answer', audio: { record: true } } }) });
  if (r.status !== 200) assert.fail(`outside rule: ${r.status} ${await r.text()}`);
}

/** The digits in the party's recording, by the in-band detector. */
async function heardInBand(x: SmsDaemon, callId: number): Promise<string> {
  const r = await fetch(`${x.control}/calls/${callId}/recording?format=pcm`);
  if (r.status !== 200) assert.fail(`recording: ${r.status} ${await r.text()}`);
  const bytes = Buffer.from(await r.arrayBuffer());
  const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  return new GoertzelDtmfDetector()
    .push(pcm)
    .map((d) => d.digit)
    .join('');
}

test('RFC 4733 from SIPp (dtmf_2833_1, _5, _9 captures) reaches the GSM side as AT+VTS digits 1 5 9', async (t) => {
  const x = await audioDaemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const number = '13912345681';
  const steps = ['1', '5', '9'].map((d) => `${playStep(`dtmf_2833_${d}.pcap`)}<pause milliseconds="600"/>`).join('');
  const call = await sippAudioCall(x, peer, number, 1500, `<pause milliseconds="500"/>${steps}`);
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
  const heard = await waitFor('three digits at the outside party', () => dtmfReceived(x, number), (s) => s.length >= 3, 5000);
  assert.equal(heard, '159');
});

test('SIP INFO digits reach the GSM side as AT+VTS digits', async (t) => {
  const x = await audioDaemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const number = '13912345682';
  const call = await sippAudioCall(x, peer, number, 1500, `<pause milliseconds="300"/>${infoStep('4', 2)}<pause milliseconds="400"/>${infoStep('#', 3)}`, 4);
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
  assert.equal(await waitFor('two digits at the outside party', () => dtmfReceived(x, number), (s) => s.length >= 2, 5000), '4#');
});

test('in-band: DTMF tones in the SIP audio reach the GSM party as tones it can detect', async (t) => {
  const x = await audioDaemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const number = '13912345683';
  await recordingParty(x, number);
  const call = await sippAudioCall(x, peer, number, 4000);
  t.after(() => call.kill());
  await until('the gateway’s RTP', () => peer.gateway !== null, 10_000);
  const party = await outsideCall(x, number);
  const tones = [...'73*'].flatMap((d) => DtmfGenerator.digitFrames(d as DtmfDigit, { durationMs: 100, gapMs: 100 }));
  const signal = new Int16Array(tones.length * 160 + 1600);
  tones.forEach((f, i) => signal.set(f, 800 + i * 160));
  await peer.send(peer.gateway!, signal);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await heardInBand(x, party.id), '73*');
  assert.equal(await dtmfReceived(x, number), '', 'no AT+VTS: the tones went in the audio');
});

test('dtmfToGsm "inband": RFC 4733 digits from SIPp are keyed as tones in the GSM audio', async (t) => {
  const x = await audioDaemon(t, { dtmfToGsm: 'inband' });
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const number = '13912345684';
  await recordingParty(x, number);
  const steps = ['5', '9'].map((d) => `${playStep(`dtmf_2833_${d}.pcap`)}<pause milliseconds="600"/>`).join('');
  const call = await sippAudioCall(x, peer, number, 2500, `<pause milliseconds="500"/>${steps}`);
  const party = await outsideCall(x, number);
  const result = await call.done;
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
  assert.equal(await heardInBand(x, party.id), '59');
  assert.equal(await dtmfReceived(x, number), '', 'no AT+VTS in "inband" mode');
});

test('GSM → SIP: keys the GSM party presses reach the SIP side as RFC 4733 events', async (t) => {
  const x = await audioDaemon(t);
  const peer = await RtpPeer.open();
  t.after(() => peer.close());
  const number = '13912345685';
  const call = await sippAudioCall(x, peer, number, 4000);
  t.after(() => call.kill());
  await until('the gateway’s RTP', () => peer.gateway !== null, 10_000);
  const party = await outsideCall(x, number);
  // The line switches its modem's DTMF reports on when the call's audio starts.
  await new Promise((r) => setTimeout(r, 300));
  const r = await fetch(`${x.control}/calls/${party.id}/dtmf`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys: '28#' }) });
  if (r.status !== 200) assert.fail(`keys: ${r.status} ${await r.text()}`);
  await until('three RFC 4733 digits', () => peer.digits(101).length >= 3, 5000);
  assert.deepEqual(peer.digits(101), ['2', '8', '#']);
});
