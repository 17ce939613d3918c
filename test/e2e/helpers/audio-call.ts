/**
 * SIP → GSM calls with audio for the end-to-end audio tests: SIPp places the call and offers an RTP
 * peer of the test as its media address (test/e2e/scenarios/audio-call.xml), optionally playing one of
 * SIPp's captures or sending other steps (INFO) after the ACK; a demo daemon whose RTP goes to the SDP
 * address (`sip.media.symmetricRtp` off).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmsDaemon, type SmsDaemon } from '../sms-daemon.js';
import { assertSippInstalled, freeUdpPort, startSipp } from '../../helpers/sipp.js';
import { readPcapUdp, SIPP_PCAP_DIR } from '../../helpers/pcap.js';
import { g711Decode } from '../../../src/media/codec/g711.js';
import { parseRtp } from '../../../src/media/rtp/index.js';
import type { RtpPeer } from './rtp-peer.js';

const SCENARIOS = fileURLToPath(new URL('../../../../test/e2e/scenarios/', import.meta.url));

/** The A-law audio of one of SIPp's captures, in order. */
export function pcapAudio(file: string): Int16Array {
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

export interface AudioCall {
  done: Promise<{ code: number | null; output: string }>;
  kill(): void;
}

/** SIPp's scenario step that plays a capture of /usr/share/sip-tester (RTP from SIPp's media port). */
export function playStep(pcap: string): string {
  return `<nop><action><exec play_pcap_audio="${join(SIPP_PCAP_DIR, pcap)}"/></action></nop>`;
}

/** An in-dialog INFO carrying one digit (application/dtmf-relay), and its 200. */
export function infoStep(digit: string, cseq: number): string {
  return `<send retrans="500"><![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq} INFO
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=${digit}
      Duration=160

    ]]></send><recv response="200"/>`;
}

/** SIPp calls `number` offering the peer's port as its media; `steps` run after the ACK; BYE after `holdMs` with CSeq `byeCseq`. */
export async function sippAudioCall(x: SmsDaemon, peer: RtpPeer, number: string, holdMs: number, steps = '', byeCseq = 2, scenarioFile = 'audio-call.xml'): Promise<AudioCall> {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-audio-'));
  const scenario = readFileSync(join(SCENARIOS, scenarioFile), 'utf8')
    .replaceAll('MEDIA_PORT', String(peer.port))
    .replaceAll('HOLD_MS', String(holdMs))
    .replaceAll('BYE_CSEQ', String(byeCseq))
    .replace('<!--PLAY-->', steps);
  writeFileSync(join(dir, 'call.xml'), scenario);
  const mediaPort = await freeUdpPort();
  const run = startSipp(['-sf', join(dir, 'call.xml'), '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-mp', String(mediaPort), '-m', '1', '-nostdin', '-timeout', '40s', '-s', number, `127.0.0.1:${x.d.sip!.ports.udp}`], dir);
  const done = run.exited.then((code) => ({ code, output: run.output() })).finally(() => rmSync(dir, { recursive: true, force: true }));
  return { done, kill: () => run.kill() };
}

/** A demo daemon with one simulated line, RTP sent to the SDP address; `media` adds `sip.media` settings. */
export async function audioDaemon(t: { after(fn: () => Promise<void>): void }, media: Record<string, unknown> = {}): Promise<SmsDaemon> {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { media: { symmetricRtp: false, ...media } } } });
  t.after(() => x.stop());
  return x;
}

export async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
