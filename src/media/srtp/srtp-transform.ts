/**
 * SRTP and SRTCP with AES_CM_128_HMAC_SHA1_80 (RFC 3711; RFC 4568 §6.2.1): payload encrypted with
 * AES counter mode (§4.1.1), packet authenticated with an HMAC-SHA1 tag cut to 80 bits (§4.2), session
 * keys derived from SDES master keys with a derivation rate of 0 (§4.3). One master key protects what
 * we send; the peer's, from its a=crypto line, unprotects what we receive.
 *
 * Keys follow the call's offer/answer (`rekey`): a new master key is a new crypto context (RFC 4568
 * §7.1.4, RFC 3711 §3.3.1: ROC 0), an unchanged one carries on with its ROC and SRTCP index. When the
 * peer's key changes, packets it still sends under the old key (in flight, or sent until our answer
 * reached it) are taken under the old context until REKEY_GRACE_MS after the first packet that arrives
 * under the new keys; then the old context is gone. Null keys are plain RTP (a re-INVITE that left
 * RTP/SAVP): packets pass unchanged, except SRTP ones still authenticating under the old key in that grace.
 *
 * unprotect*() never throws: a packet that is short, malformed, fails authentication or is replayed
 * gives null (and is counted in `rejections`).
 */
import type { PacketTransform } from '../audio-contract.js';
import { aesCmIv, aesCmXor, deriveRtcpKeys, deriveRtpKeys, MASTER_KEY_BYTES, MASTER_SALT_BYTES, type SessionKeys } from './aes-cm.js';
import {
  MAX_SRTCP_INDEX,
  RTCP_HEADER_BYTES,
  rtpHeaderLength,
  sameMasterKey,
  SRTCP_E_FLAG,
  SrtpReceiveContext,
  srtpTag,
  uint32,
  type SrtpMasterKey,
  type SrtpRejection,
} from './srtp-receive-context.js';

export { AUTH_TAG_BYTES, rtpHeaderLength, type SrtpMasterKey } from './srtp-receive-context.js';

/** Our key (protects what we send) and the peer's (what we receive), as the negotiation settled them. */
export interface SrtpKeys {
  local: SrtpMasterKey;
  remote: SrtpMasterKey;
}

export interface SrtpTransformOptions {
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number;
  /** How long the peer's old key is still heard after its first packet under the new keys (default REKEY_GRACE_MS). */
  graceMs?: number;
}

/** Long enough for reordered and in-flight packets under the old key, short enough to retire it soon. */
export const REKEY_GRACE_MS = 2000;

export interface SrtpRejections {
  malformed: number;
  authentication: number;
  replay: number;
}

interface SendStream {
  roc: number;
  lastSeq: number;
  srtcpIndex: number;
}

/** The sending context of one of our master keys: session keys and, per SSRC, ROC and SRTCP index. */
interface SendContext {
  masterKey: SrtpMasterKey;
  rtp: SessionKeys;
  rtcp: SessionKeys;
  streams: Map<number, SendStream>;
}

function checkMasterKey(which: string, m: SrtpMasterKey): void {
  if (m.key.length !== MASTER_KEY_BYTES || m.salt.length !== MASTER_SALT_BYTES) {
    throw new Error(`${which} SRTP master key must be ${MASTER_KEY_BYTES} bytes with a ${MASTER_SALT_BYTES}-byte salt`);
  }
}

function sendContext(masterKey: SrtpMasterKey): SendContext {
  return { masterKey, rtp: deriveRtpKeys(masterKey.key, masterKey.salt), rtcp: deriveRtcpKeys(masterKey.key, masterKey.salt), streams: new Map() };
}

export class SrtpTransform implements PacketTransform {
  private send: SendContext | null = null;
  private receive: SrtpReceiveContext | null = null;
  /** The peer's previous context; `retireAt` is set once a packet arrives under the new keys. */
  private previous: { context: SrtpReceiveContext; retireAt: number | null } | null = null;
  private readonly now: () => number;
  private readonly graceMs: number;
  readonly rejections: SrtpRejections = { malformed: 0, authentication: 0, replay: 0 };

  /** `local`: the key we offered/answered (protects what we send); `remote`: the peer's. Null: plain RTP for now. */
  constructor(keys: SrtpKeys | null, options: SrtpTransformOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.graceMs = options.graceMs ?? REKEY_GRACE_MS;
    this.rekey(keys);
  }

  /** The keys in use now; null while plain RTP. */
  get keys(): SrtpKeys | null {
    return this.send && this.receive ? { local: this.send.masterKey, remote: this.receive.masterKey } : null;
  }

  /** Whether the peer's previous key is still heard (re-keyed, grace not over). */
  get hearsPreviousKey(): boolean {
    return this.previousContext() !== null;
  }

  /** A new negotiation's keys (RFC 4568 §7.1.4). Unchanged keys change nothing. Throws on a key of the wrong size. */
  rekey(keys: SrtpKeys | null): void {
    if (keys) {
      checkMasterKey('local', keys.local);
      checkMasterKey('remote', keys.remote);
    }
    // Our own key unchanged: the send context goes on (its ROC counts on; a new SRTCP index per report).
    if (keys === null) this.send = null;
    else if (this.send === null || !sameMasterKey(this.send.masterKey, keys.local)) this.send = sendContext(keys.local);
    const current = this.receive?.masterKey ?? null;
    const next = keys?.remote ?? null;
    if (current === null && next === null) return;
    if (current !== null && next !== null && sameMasterKey(current, next)) return;
    if (this.receive !== null) this.previous = { context: this.receive, retireAt: null };
    this.receive = next ? new SrtpReceiveContext(next) : null;
  }

  /** §3.1: encrypts the payload and appends the tag over header, payload and ROC. Throws on a packet we built wrong. */
  protectRtp(packet: Buffer): Buffer {
    const ctx = this.send;
    if (ctx === null) return packet;
    const headerLength = rtpHeaderLength(packet);
    if (headerLength < 0) throw new Error('protectRtp: not a whole RTP packet');
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const stream = this.sendStream(ctx, ssrc, seq);
    // The sender's ROC counts its own sequence wraps (§3.3.1).
    if (seq < stream.lastSeq && stream.lastSeq - seq > 32768) stream.roc = (stream.roc + 1) >>> 0;
    stream.lastSeq = seq;
    const index = stream.roc * 65536 + seq;
    const k = ctx.rtp;
    const payload = aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, index), packet.subarray(headerLength));
    const body = Buffer.concat([packet.subarray(0, headerLength), payload]);
    return Buffer.concat([body, srtpTag(k.authenticationKey, body, uint32(stream.roc))]);
  }

  /** §3.4: encrypts everything after the first 8 bytes, appends E‖index and the tag. */
  protectRtcp(packet: Buffer): Buffer {
    const ctx = this.send;
    if (ctx === null) return packet;
    if (packet.length < RTCP_HEADER_BYTES || packet[0] >> 6 !== 2) throw new Error('protectRtcp: not an RTCP packet');
    const ssrc = packet.readUInt32BE(4);
    const stream = this.sendStream(ctx, ssrc, 0);
    // Counted from 1 as libsrtp does (its reference packets carry index 1 first); wraps within 31 bits.
    stream.srtcpIndex = stream.srtcpIndex >= MAX_SRTCP_INDEX ? 0 : stream.srtcpIndex + 1;
    const k = ctx.rtcp;
    const encrypted = aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, stream.srtcpIndex), packet.subarray(RTCP_HEADER_BYTES));
    const body = Buffer.concat([packet.subarray(0, RTCP_HEADER_BYTES), encrypted, uint32(SRTCP_E_FLAG | stream.srtcpIndex)]);
    return Buffer.concat([body, srtpTag(k.authenticationKey, body)]);
  }

  unprotectRtp(packet: Buffer): Buffer | null {
    return this.unprotect(packet, (c, p) => c.unprotectRtp(p));
  }

  unprotectRtcp(packet: Buffer): Buffer | null {
    return this.unprotect(packet, (c, p) => c.unprotectRtcp(p));
  }

  /** The current context first; a packet it refuses may still be the peer's old key during the grace. */
  private unprotect(packet: Buffer, open: (c: SrtpReceiveContext, p: Buffer) => Buffer | SrtpRejection): Buffer | null {
    try {
      const current = this.receive;
      const verdict = current ? open(current, packet) : null;
      if (Buffer.isBuffer(verdict)) {
        this.heardNewKeys();
        return verdict;
      }
      const old = this.previousContext();
      const fromOld = old ? open(old, packet) : null;
      if (Buffer.isBuffer(fromOld)) return fromOld;
      if (current === null) {
        // Plain RTP now: what does not authenticate under the old key is the peer's plain stream.
        this.heardNewKeys();
        return packet;
      }
      // Refused by both: the old context's reason when it was the one that knew the stream (a late replay).
      return this.reject(verdict === 'authentication' && fromOld !== null ? fromOld : (verdict ?? 'malformed'));
    } catch {
      return this.reject('malformed');
    }
  }

  /** The first packet under the new keys starts the old context's grace. */
  private heardNewKeys(): void {
    if (this.previous !== null && this.previous.retireAt === null) this.previous.retireAt = this.now() + this.graceMs;
  }

  private previousContext(): SrtpReceiveContext | null {
    const p = this.previous;
    if (p === null) return null;
    if (p.retireAt !== null && this.now() >= p.retireAt) {
      this.previous = null;
      return null;
    }
    return p.context;
  }

  private reject(kind: SrtpRejection): null {
    this.rejections[kind]++;
    return null;
  }

  private sendStream(ctx: SendContext, ssrc: number, firstSeq: number): SendStream {
    let s = ctx.streams.get(ssrc);
    if (!s) {
      s = { roc: 0, lastSeq: firstSeq, srtcpIndex: 0 };
      ctx.streams.set(ssrc, s);
    }
    return s;
  }
}
