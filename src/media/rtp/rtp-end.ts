/**
 * A call's RTP end (the `RtpEnd` of audio-contract.ts) over its port pair: the I/O edge that joins the
 * pure parts (codec, packets, statistics, jitter buffer, telephone-events, RTCP) to the two UDP sockets.
 *
 * Symmetric RTP: once packets from one source pass RFC 3550 A.1 validation, we send to the address they
 * came from, even if it is not the one in the SDP (a peer behind NAT sends from its mapped address),
 * and from then on accept RTP only from there, until the next negotiation (`update`) opens learning again.
 * The sockets belong to the port pool: close() stops this end and sends BYE; releasing the pair closes them.
 */
import type dgram from 'node:dgram';
import { FRAME_MS, FRAME_SAMPLES, type DtmfDigit, type PacketTransform, type RtpEnd, type RtpEndStats } from '../audio-contract.js';
import type { RtpPortPair } from '../rtp-port-pool.js';
import type { NegotiatedAudio } from '../../sip/sdp/index.js';
import { g711Decode, g711Encode, type G711Law } from '../codec/g711.js';
import { encodeComfortNoise } from '../vad/comfort-noise.js';
import { JitterBuffer } from './jitter-buffer.js';
import { MAX_PTIME_MS, Packetizer } from './packetizer.js';
import { ReceiveStats } from './receive-stats.js';
import { parseRtcpCompound } from './rtcp-packet.js';
import { RtcpSession } from './rtcp-session.js';
import { parseRtp, serializeRtp } from './rtp-packet.js';
import { cryptoRandom32, RtpSenderState, type Random32 } from './rtp-sender-state.js';
import { SrtpTransform } from '../srtp/srtp-transform.js';
import { eventOfDigit, telephoneEventSchedule, TelephoneEventReceiver } from './telephone-event.js';

export interface RtpEndClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock milliseconds since 1970, for RTCP's NTP timestamps. */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: RtpEndClock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface RtpEndOptions {
  pair: RtpPortPair;
  audio: NegotiatedAudio;
  /**
   * A fixed packet transform for the whole call. Absent: SRTP follows the negotiated keys (`audio.srtp`)
   * from the start and at every `update`, plain RTP while there are none.
   */
  transform?: PacketTransform | null;
  /** No RTP for this long while the peer should be sending fires onTimeout; 0 turns it off. */
  rtpTimeoutSec?: number;
  /** The jitter buffer's hard cap, ms (default 120). */
  jitterCapMs?: number;
  /**
   * Symmetric RTP (RFC 4961): send to where the peer's packets come from, which crosses NAT (default).
   * false: always send to the address its SDP gave; packets are still taken from one source only.
   */
  symmetric?: boolean;
  /** Our RTCP CNAME (RFC 3550 §6.5.1), e.g. "line1@host". */
  cname?: string;
  clock?: RtpEndClock;
  /** The RTCP report interval before randomisation (default 5000 ms, RFC 3550 §6.2). */
  rtcpIntervalMs?: number;
  random?: Random32;
}

type Address = { address: string; port: number };

const LAW_BY_NAME: Readonly<Record<string, G711Law>> = { PCMU: 'PCMU', PCMA: 'PCMA' };
/** Sending resumes after this many missed 20 ms frames as a new talkspurt with the timestamp caught up. */
const GAP_FRAMES = 3;
/** A comfort-noise packet every 200 ms of silence (RFC 3389 leaves the rate to the sender). */
const CN_EVERY_FRAMES = 10;
const GAP_BETWEEN_DIGITS_MS = 50;

function sameAddress(a: Address, b: Address): boolean {
  return a.address === b.address && a.port === b.port;
}

/**
 * Sends a datagram; a socket already closed by the pool (call torn down) or a send error loses only it.
 * No completion callback: without one, Node sends at once when the socket can take the datagram and
 * drops a failed send silently, instead of queueing a callback per packet (the pool's sockets carry an
 * 'error' listener for what is left).
 */
function sendQuietly(socket: dgram.Socket, wire: Buffer, to: Address): void {
  try {
    socket.send(wire, to.port, to.address);
  } catch {
    // ERR_SOCKET_DGRAM_NOT_RUNNING after release: nothing left to send to.
  }
}

export class UdpRtpEnd implements RtpEnd {
  private audio: NegotiatedAudio;
  private readonly rtp: dgram.Socket;
  private readonly rtcp: dgram.Socket;
  private readonly transform: PacketTransform | null;
  /** The SRTP that follows `audio.srtp` when no fixed transform was given. */
  private readonly srtp: SrtpTransform | null;
  private readonly clock: RtpEndClock;
  private readonly sender: RtpSenderState;
  private readonly packetizer: Packetizer;
  private readonly jitter: JitterBuffer;
  private readonly rtcpSession: RtcpSession;
  private events: TelephoneEventReceiver;
  private readonly timeoutMs: number;
  private readonly rtcpIntervalMs: number;
  private sourceSsrc: number | null = null;
  private sourceStats: ReceiveStats | null = null;
  /** Loss counted on earlier sources of this call (a peer that changed SSRC). */
  private lostBefore = 0;
  private latchedRtp: Address | null = null;
  /** Frames of the current silence (sendSilence), 0 while talking. */
  private silentFrames = 0;
  private readonly symmetric: boolean;
  private latchedRtcp: Address | null = null;
  private lastSendAt: number | null = null;
  private lastRtpAt: number;
  private timedOut = false;
  private sendingEvent = false;
  private readonly digitQueue: { digit: DtmfDigit; durationMs: number }[] = [];
  private readonly digitListeners: ((d: DtmfDigit) => void)[] = [];
  /** What nextFrame returns, filled anew by each call (one array per call, not one per frame). */
  private readonly playout = new Int16Array(FRAME_SAMPLES);
  /** G.711 codes of the packet being sent; serializeRtp copies them into the datagram. */
  private readonly encoded = new Uint8Array(MAX_PTIME_MS * 8);
  private readonly timeoutListeners: (() => void)[] = [];
  private readonly timers = new Set<unknown>();
  private packetsSent = 0;
  private packetsReceived = 0;
  private rejected = 0;
  private closed = false;
  /** A datagram (or a listener it reaches) must never take the process down: failures count as rejected. */
  private readonly onRtp = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    try {
      this.receiveRtp(msg, rinfo);
    } catch {
      this.rejected++;
    }
  };
  private readonly onRtcp = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    try {
      this.receiveRtcp(msg, rinfo);
    } catch {
      this.rejected++;
    }
  };

  constructor(o: RtpEndOptions) {
    this.audio = o.audio;
    this.rtp = o.pair.rtp;
    this.rtcp = o.pair.rtcp;
    this.srtp = o.transform ? null : new SrtpTransform(o.audio.srtp ?? null, { now: () => this.clock.now() });
    this.transform = o.transform ?? this.srtp;
    this.symmetric = o.symmetric ?? true;
    this.clock = o.clock ?? systemClock;
    const random = o.random ?? cryptoRandom32;
    this.sender = new RtpSenderState(random);
    this.packetizer = new Packetizer(o.audio.ptime);
    this.jitter = new JitterBuffer({ capMs: o.jitterCapMs ?? 120 });
    this.rtcpSession = new RtcpSession(o.cname ?? `rtp-${this.sender.ssrc.toString(16)}@cellgate`, () => random() / 0x100000000);
    this.events = this.newEventReceiver();
    this.timeoutMs = Math.max(0, o.rtpTimeoutSec ?? 0) * 1000;
    this.rtcpIntervalMs = o.rtcpIntervalMs ?? 5000;
    this.lastRtpAt = this.clock.now();
    this.rtp.on('message', this.onRtp);
    this.rtcp.on('message', this.onRtcp);
    this.scheduleRtcp();
    if (this.timeoutMs > 0) this.scheduleTimeoutCheck();
  }

  private newEventReceiver(): TelephoneEventReceiver {
    return new TelephoneEventReceiver((d) => {
      for (const l of this.digitListeners) l(d);
    });
  }

  get ssrc(): number {
    return this.sender.ssrc;
  }

  get sendsTelephoneEvents(): boolean {
    return this.audio.telephoneEvent !== null;
  }

  /**
   * A re-INVITE's new negotiation: codec, ptime, remote address, direction or SRTP keys. SSRC, sequence
   * and timestamp carry on (RFC 3550 §8: one source for the call); so does our SRTP context while our key
   * stays the same (RFC 3711 §3.3.1: its ROC counts on).
   */
  update(audio: NegotiatedAudio): void {
    const remoteChanged = !sameAddress(audio.remote, this.audio.remote);
    this.srtp?.rekey(audio.srtp ?? null);
    this.audio = audio;
    this.packetizer.setPtime(audio.ptime);
    if (remoteChanged) {
      this.latchedRtp = null;
      this.latchedRtcp = null;
    }
    // The peer may have been silent while on hold: the timeout counts from now.
    this.lastRtpAt = this.clock.now();
    this.timedOut = false;
  }

  private canSend(): boolean {
    const d = this.audio.direction;
    return !this.closed && (d === 'sendrecv' || d === 'sendonly') && this.audio.remote.address !== '0.0.0.0' && this.audio.remote.port !== 0;
  }

  private expectsMedia(): boolean {
    const d = this.audio.direction;
    return d === 'sendrecv' || d === 'recvonly';
  }

  private rtpTarget(): Address {
    return this.symmetric ? (this.latchedRtp ?? this.audio.remote) : this.audio.remote;
  }

  private rtcpTarget(): Address {
    const latched = this.symmetric ? this.latchedRtcp : null;
    return latched ?? { address: this.rtpTarget().address, port: this.rtpTarget().port + 1 };
  }

  sendFrame(frame: Int16Array): void {
    if (this.closed) return;
    const now = this.clock.now();
    if (this.lastSendAt !== null) {
      const missed = Math.floor((now - this.lastSendAt) / FRAME_MS) - 1;
      // Frames stopped coming for a while (hold, a stalled source): keep the timestamp on the clock.
      if (missed >= GAP_FRAMES) this.sender.skip(missed * FRAME_SAMPLES + this.packetizer.discard());
    }
    this.lastSendAt = now;
    this.silentFrames = 0;
    const packets = this.packetizer.push(frame);
    for (const pcm of packets) {
      if (!this.canSend() || this.sendingEvent) {
        // Not sending (hold, inactive, a digit in flight): time still passes for the stream.
        this.sender.skip(pcm.length);
        continue;
      }
      const law = this.audio.codec.encoding;
      const payload = g711Encode(law, pcm, this.encoded.subarray(0, pcm.length));
      const h = this.sender.nextMedia(pcm.length, payload.length);
      this.sendPacket(serializeRtp({ marker: h.marker, payloadType: this.audio.codec.payloadType, sequence: h.sequence, timestamp: h.timestamp, ssrc: this.sender.ssrc, payload }));
    }
  }

  /** RFC 3389 §4: one CN packet at the start of a silence, then one every CN_EVERY_FRAMES frames. */
  sendSilence(levelDbov: number): void {
    if (this.closed) return;
    this.lastSendAt = this.clock.now();
    const samples = FRAME_SAMPLES + this.packetizer.discard();
    const cn = this.audio.comfortNoise ?? null;
    if (cn !== null && this.canSend() && !this.sendingEvent && this.silentFrames % CN_EVERY_FRAMES === 0) {
      const h = this.sender.nextMedia(0, 1);
      this.sendPacket(serializeRtp({ marker: false, payloadType: cn, sequence: h.sequence, timestamp: h.timestamp, ssrc: this.sender.ssrc, payload: encodeComfortNoise(levelDbov) }));
    }
    this.silentFrames++;
    // The next voice packet opens a talkspurt (marker set, RFC 3550 §5.1) at the right timestamp.
    this.sender.skip(samples);
  }

  /** The next frame to play out; the same array each time, valid until the next call. */
  nextFrame(): Int16Array {
    return this.jitter.pop(this.clock.now(), this.playout);
  }

  sendDigit(digit: DtmfDigit, durationMs: number): boolean {
    if (this.audio.telephoneEvent === null || this.closed) return false;
    this.digitQueue.push({ digit, durationMs });
    if (!this.sendingEvent) this.sendNextDigit();
    return true;
  }

  private sendNextDigit(): void {
    const next = this.digitQueue.shift();
    if (!next || this.closed) return;
    const pt = this.audio.telephoneEvent;
    if (pt === null) return;
    this.sendingEvent = true;
    this.catchUpTimestamp();
    // RFC 4733 §2.5.1: every packet of the event carries its start timestamp.
    const timestamp = this.sender.peekTimestamp();
    const schedule = telephoneEventSchedule(eventOfDigit(next.digit), next.durationMs);
    const sendOne = (i: number): void => {
      const p = schedule[i]!;
      if (this.canSend()) {
        const sequence = this.sender.nextSequence(p.payload.length);
        this.sendPacket(serializeRtp({ marker: p.marker, payloadType: pt, sequence, timestamp, ssrc: this.sender.ssrc, payload: p.payload }));
      }
      if (i + 1 < schedule.length) this.after(schedule[i + 1]!.atMs - p.atMs, () => sendOne(i + 1));
      else
        this.after(GAP_BETWEEN_DIGITS_MS, () => {
          this.sendingEvent = false;
          this.sender.markTalkspurt();
          this.sendNextDigit();
        });
    };
    sendOne(0);
  }

  /** With no frames flowing (a digit sent in silence), the timestamp still has to follow the clock. */
  private catchUpTimestamp(): void {
    const now = this.clock.now();
    if (this.lastSendAt === null) {
      this.lastSendAt = now;
      return;
    }
    const elapsed = Math.floor((now - this.lastSendAt) / FRAME_MS);
    if (elapsed < 1) return;
    this.sender.skip(elapsed * FRAME_SAMPLES);
    this.lastSendAt += elapsed * FRAME_MS;
  }

  onDigit(listener: (digit: DtmfDigit) => void): void {
    this.digitListeners.push(listener);
  }

  onTimeout(listener: () => void): void {
    this.timeoutListeners.push(listener);
  }

  stats(): RtpEndStats {
    const j = this.jitter.stats;
    return {
      packetsSent: this.packetsSent,
      packetsReceived: this.packetsReceived,
      packetsLost: this.lostBefore + (this.sourceStats?.lost ?? 0),
      jitterMs: this.sourceStats?.jitterMs ?? 0,
      concealedFrames: j.concealedFrames,
      droppedPackets: j.droppedLate + j.droppedDuplicate + j.droppedOverCap + j.skippedFrames + this.rejected,
      bufferMs: this.jitter.depthMs,
      remoteReport: this.rtcpSession.remoteReport,
    };
  }

  /** Stops this end: a final RTCP report with BYE (RFC 3550 §6.6), timers off, listeners removed. */
  close(): void {
    if (this.closed) return;
    this.sendRtcp('');
    this.closed = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    this.rtp.off('message', this.onRtp);
    this.rtcp.off('message', this.onRtcp);
  }

  private receiveRtp(raw: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return;
    if (this.latchedRtp && !sameAddress(rinfo, this.latchedRtp)) return void this.rejected++;
    const msg = this.transform ? this.transform.unprotectRtp(raw) : raw;
    if (!msg) return void this.rejected++;
    const parsed = parseRtp(msg);
    if (!parsed.ok) return void this.rejected++;
    const p = parsed.packet;
    const codec = this.codecOf(p.payloadType);
    const isEvent = this.audio.telephoneEvent !== null && p.payloadType === this.audio.telephoneEvent;
    // RFC 3389: the peer's comfort noise means silence here; the jitter buffer plays silence for it.
    const isNoise = this.audio.comfortNoise != null && p.payloadType === this.audio.comfortNoise;
    if (isNoise) {
      this.lastRtpAt = this.clock.now();
      return;
    }
    if (!codec && !isEvent) return void this.rejected++;
    if (p.ssrc !== this.sourceSsrc || !this.sourceStats) {
      // A new source (first packets, or the peer restarted its stream): fresh statistics and playout.
      if (this.sourceStats) this.lostBefore += Math.max(0, this.sourceStats.lost);
      this.sourceSsrc = p.ssrc;
      this.sourceStats = new ReceiveStats();
      this.jitter.reset();
      // Event timestamps of the old source say nothing about the new one's (RFC 4733 keys by timestamp).
      this.events = this.newEventReceiver();
    }
    const now = this.clock.now();
    if (this.sourceStats.updateSequence(p.sequence) !== 'valid') return;
    this.packetsReceived++;
    this.lastRtpAt = now;
    this.timedOut = false;
    if (!this.latchedRtp) {
      this.latchedRtp = { address: rinfo.address, port: rinfo.port };
      if (!this.latchedRtcp) this.latchedRtcp = { address: rinfo.address, port: rinfo.port + 1 };
    }
    if (isEvent) {
      this.events.receive(p.timestamp, p.payload);
      return;
    }
    this.sourceStats.updateJitter(p.timestamp, now);
    const law = LAW_BY_NAME[codec!.encoding]!;
    const pcm = g711Decode(law, p.payload, this.jitter.buffer(p.payload.length));
    this.jitter.push(p.sequence, p.timestamp, pcm, now, true);
  }

  private codecOf(payloadType: number): NegotiatedAudio['codecs'][number] | undefined {
    const codecs = this.audio.codecs;
    for (let i = 0; i < codecs.length; i++) if (codecs[i]!.payloadType === payloadType) return codecs[i];
    return undefined;
  }

  private receiveRtcp(raw: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return;
    const msg = this.transform ? this.transform.unprotectRtcp(raw) : raw;
    if (!msg) return;
    const parsed = parseRtcpCompound(msg);
    if (!parsed.ok) return;
    const fromSource = parsed.packets.some((p) => (p.type === 'sr' || p.type === 'rr') && p.ssrc === this.sourceSsrc);
    // Symmetric RTCP: report to where the peer's reports come from.
    if (fromSource) this.latchedRtcp = { address: rinfo.address, port: rinfo.port };
    this.rtcpSession.receive(parsed.packets, this.sender.ssrc, this.clock.now());
  }

  private sendPacket(packet: Buffer): void {
    const target = this.rtpTarget();
    const wire = this.transform ? this.transform.protectRtp(packet) : packet;
    this.packetsSent++;
    sendQuietly(this.rtp, wire, target);
  }

  private sendRtcp(bye?: string): void {
    if (this.closed || this.audio.remote.address === '0.0.0.0') return;
    const now = this.clock.now();
    // The SR's RTP timestamp: the last sent sample's, moved on by the time since it was sent.
    const since = this.lastSendAt === null ? 0 : Math.max(0, now - this.lastSendAt);
    const report = this.rtcpSession.build({
      sender: { ssrc: this.sender.ssrc, packetCount: this.sender.packetCount, octetCount: this.sender.octetCount },
      rtpTimestamp: (this.sender.lastTimestamp + Math.round(since * 8)) >>> 0,
      wallMs: this.clock.wallNow(),
      nowMs: now,
      source: this.sourceSsrc !== null && this.sourceStats ? { ssrc: this.sourceSsrc, stats: this.sourceStats } : null,
      ...(bye !== undefined ? { bye } : {}),
    });
    const wire = this.transform ? this.transform.protectRtcp(report) : report;
    const target = this.rtcpTarget();
    sendQuietly(this.rtcp, wire, target);
  }

  private after(ms: number, fn: () => void): void {
    const h = this.clock.setTimeout(() => {
      this.timers.delete(h);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(h);
  }

  private scheduleRtcp(): void {
    this.after(this.rtcpSession.nextIntervalMs(this.rtcpIntervalMs), () => {
      this.sendRtcp();
      this.scheduleRtcp();
    });
  }

  private scheduleTimeoutCheck(): void {
    const step = Math.min(1000, this.timeoutMs / 4);
    this.after(step, () => {
      // Only while the peer should be sending: a call on hold (sendonly/inactive) is silent by design.
      if (!this.timedOut && this.expectsMedia() && this.clock.now() - this.lastRtpAt >= this.timeoutMs) {
        this.timedOut = true;
        for (const l of this.timeoutListeners) l();
      }
      this.scheduleTimeoutCheck();
    });
  }
}

export function createRtpEnd(o: RtpEndOptions): UdpRtpEnd {
  return new UdpRtpEnd(o);
}
