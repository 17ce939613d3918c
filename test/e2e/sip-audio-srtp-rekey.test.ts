/**
 * SRTP re-keying end to end through the daemon (docs/media.md "New keys on a re-INVITE"): a SIP → GSM
 * call with `sip.media.srtp: required` to a simulated number that echoes. The test is the SIP peer over
 * plain UDP: it offers RTP/SAVP with one key and sends a tone as SRTP; then a re-INVITE brings a new
 * key and the test sends another tone under it. The echo of the second tone comes back, still under the
 * gateway's one key (unchanged in its answer), from the same SSRC with sequence numbers running on.
 * The test pauses 300 ms around the re-INVITE with its timestamps running on, as a loaded peer does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { g711Decode, g711Encode } from '../../src/media/codec/g711.js';
import { parseRtp, serializeRtp, type RtpPacket } from '../../src/media/rtp/index.js';
import { buildSdesCryptoLine, parseSdesCrypto } from '../../src/media/srtp/sdes-crypto.js';
import { SrtpTransform, type SrtpMasterKey } from '../../src/media/srtp/srtp-transform.js';
import { udpPeer, type UdpPeer } from '../helpers/sip-peer-sockets.js';
import { audioDaemon, until } from './helpers/audio-call.js';
import { toneShare } from './helpers/rtp-peer.js';

const newKey = (): SrtpMasterKey => ({ key: randomBytes(16), salt: randomBytes(14) });

interface Response {
  status: number;
  text: string;
}

/** The SIP side of the call: requests by hand, responses collected from the peer socket. */
class SipUac {
  readonly callId = `${randomBytes(6).toString('hex')}@127.0.0.1`;
  readonly fromTag = randomBytes(4).toString('hex');
  toTag = '';
  target = '';
  private seen = 0;
  constructor(
    private readonly sip: UdpPeer,
    private readonly gatewayPort: number,
    private readonly number: string,
  ) {}

  request(method: string, cseq: number, body = ''): Promise<void> {
    const uri = this.target || `sip:${this.number}@127.0.0.1:${this.gatewayPort}`;
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.sip.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      `From: <sip:peer@127.0.0.1:${this.sip.port}>;tag=${this.fromTag}`,
      `To: <sip:${this.number}@127.0.0.1:${this.gatewayPort}>${this.toTag ? `;tag=${this.toTag}` : ''}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:peer@127.0.0.1:${this.sip.port}>`,
      'Max-Forwards: 70',
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    return this.sip.send(lines.join('\r\n'), this.gatewayPort);
  }

  /** The next final response to `method` (provisional ones skipped). */
  async final(method: string, ms: number): Promise<Response> {
    let found: Response | null = null;
    await until(`a final response to ${method}`, () => {
      for (; this.seen < this.sip.received.length && found === null; this.seen++) {
        const text = this.sip.received[this.seen]!.bytes.toString('utf8');
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);
        if (status >= 200 && new RegExp(`^CSeq: *\\d+ ${method}`, 'mi').test(text)) found = { status, text };
      }
      return found !== null;
    }, ms);
    const r = found!;
    this.toTag ||= /^To:.*;tag=([^;\s]+)/im.exec(r.text)?.[1] ?? '';
    this.target ||= /^(?:Contact|m):.*<([^>]+)>/im.exec(r.text)?.[1] ?? '';
    return r;
  }
}

function offer(version: number, mediaPort: number, key: SrtpMasterKey): string {
  return ['v=0', `o=peer 4242 ${version} IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${mediaPort} RTP/SAVP 8 101`, buildSdesCryptoLine(1, key), 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', ''].join('\r\n');
}

/** The gateway's key and RTP port from its SDP answer. */
function answerOf(r: Response): { key: SrtpMasterKey; port: number } {
  const line = /^a=crypto:.*$/m.exec(r.text)?.[0];
  assert.ok(line, `an a=crypto line in the answer:\n${r.text}`);
  const parsed = parseSdesCrypto(line.trim());
  assert.ok(parsed.ok);
  return { key: parsed.crypto.masterKey, port: Number(/^m=audio (\d+) RTP\/SAVP/m.exec(r.text)?.[1]) };
}

const tone = (hz: number, from: number, n: number) => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * (from + i)) / 8000)));

test("a re-INVITE with the peer's new a=crypto: the gateway takes SRTP under the new key, and the echo still comes back under its own key", async (t) => {
  const x = await audioDaemon(t, { srtp: 'required' });
  const sip = await udpPeer();
  t.after(() => sip.close());
  const media = dgram.createSocket('udp4');
  await new Promise<void>((r) => media.bind(0, '127.0.0.1', () => r()));
  t.after(() => media.close());
  const mediaPort = media.address().port;
  const wire: { at: number; bytes: Buffer }[] = [];
  media.on('message', (bytes) => wire.push({ at: performance.now(), bytes }));

  const uac = new SipUac(sip, x.d.sip!.ports.udp, '13912345679');
  const first = newKey();
  await uac.request('INVITE', 1, offer(1, mediaPort, first));
  const ok1 = await uac.final('INVITE', 20_000);
  assert.equal(ok1.status, 200, ok1.text);
  await uac.request('ACK', 1);
  const gateway = answerOf(ok1);

  const ssrc = 0x5eedf00d;
  let seq = 7000;
  let ts = 160_000;
  /** `ms` of a tone as SRTP under `tx`, paced at 20 ms. */
  const play = async (tx: SrtpTransform, hz: number, ms: number): Promise<void> => {
    for (let i = 0; i < ms / 20; i++) {
      const payload = Buffer.from(g711Encode('PCMA', tone(hz, ts, 160)));
      const packet = serializeRtp({ marker: false, payloadType: 8, sequence: seq++ & 0xffff, timestamp: ts >>> 0, ssrc, payload });
      ts += 160;
      media.send(tx.protectRtp(packet), gateway.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await play(new SrtpTransform({ local: first, remote: gateway.key }), 600, 1500);

  // The re-INVITE: a new key from us; the gateway's answer keeps its own.
  const second = newKey();
  await uac.request('INVITE', 2, offer(2, mediaPort, second));
  const ok2 = await uac.final('INVITE', 10_000);
  assert.equal(ok2.status, 200, ok2.text);
  await uac.request('ACK', 2);
  assert.deepEqual(answerOf(ok2).key, gateway.key, 'the gateway keeps its key (docs/decisions/0049)');
  // A pause in our stream, timestamps running on, as a slow re-INVITE makes it: the gateway's jitter
  // buffer must take the stream up again at once, not drop it as late for seconds.
  await new Promise((r) => setTimeout(r, 300));
  const reKeyedAt = performance.now();
  await play(new SrtpTransform({ local: second, remote: gateway.key }), 1400, 2000);
  await new Promise((r) => setTimeout(r, 300));

  await uac.request('BYE', 3);
  assert.equal((await uac.final('BYE', 10_000)).status, 200);

  // Everything the gateway sent opens under its one key, in one stream.
  const rx = new SrtpTransform({ local: newKey(), remote: gateway.key });
  const packets: { at: number; packet: RtpPacket }[] = [];
  for (const w of wire) {
    const plain = rx.unprotectRtp(w.bytes);
    assert.ok(plain, 'decryptable under the gateway’s key');
    const parsed = parseRtp(plain);
    assert.ok(parsed.ok);
    packets.push({ at: w.at, packet: parsed.packet });
  }
  assert.ok(packets.length > 100, `${packets.length} packets from the gateway`);
  assert.equal(new Set(packets.map((p) => p.packet.ssrc)).size, 1, 'one SSRC for the call');
  for (let k = 1; k < packets.length; k++) {
    const step = (packets[k]!.packet.sequence - packets[k - 1]!.packet.sequence) & 0xffff;
    assert.ok(step >= 1 && step < 10, `sequence runs on (step ${step} at packet ${k})`);
  }
  // The echo of the tone sent under the new key: 1400 Hz in the last second received.
  const late = packets.filter((p) => p.at > reKeyedAt + 700 && p.packet.payloadType === 8).slice(0, 50);
  const audio = new Int16Array(late.length * 160);
  late.forEach((p, i) => audio.set(g711Decode('PCMA', p.packet.payload).subarray(0, 160), i * 160));
  const share = toneShare(audio, 1400);
  t.diagnostic(`after the re-key: ${late.length} echoed packets, 1400 Hz share ${share.toFixed(3)} (600 Hz ${toneShare(audio, 600).toFixed(3)})`);
  assert.ok(late.length >= 30, `echo after the re-key (${late.length} packets)`);
  assert.ok(share > 0.5, `the tone sent under the new key came back (share ${share.toFixed(3)})`);
});
