/**
 * Media sessions of calls: SDP offer/answer (src/sip/sdp) over an RTP port pair from the pool.
 * Until the media layer relays audio, a session only negotiates: the chosen codec, the DTMF payload
 * type and the peer's RTP address are kept on it (`audio`), with the bound sockets (`ports`).
 */
import { randomInt } from 'node:crypto';
import { buildAnswer, buildOffer, parseSdp, readAnswer, type NegotiatedAudio, type SdpDescription } from '../sip/sdp/index.js';
import { nextMediaSessionState, type MediaSessionEvent, type MediaSessionState } from './media-session-state.js';
import type { RtpPortPair, RtpPortPool } from './rtp-port-pool.js';
import type { MediaSession, MediaSessions } from './media-contract.js';

export type { MediaSession, MediaSessions } from './media-contract.js';

export interface MediaSessionsOptions {
  pool: RtpPortPool;
  /** The address written in c= and o=: where peers send RTP (our public host). */
  publicHost: string;
}

/** A call's negotiated RTP stream and its sockets. */
export class RtpMediaSession implements MediaSession {
  private stateValue: MediaSessionState;
  private sdpText: string;
  private version = 1;
  private negotiated: NegotiatedAudio | null = null;
  /** o= of the last remote SDP applied: a repeat of it changes nothing (RFC 3264 §8). */
  private remoteOrigin: string | null = null;
  private readonly sessId = String(randomInt(1, 2 ** 47));

  constructor(
    private readonly pair: RtpPortPair,
    private readonly release: (pair: RtpPortPair) => void,
    private readonly host: string,
    initial: { offer: true } | { offer: false; remote: SdpDescription },
  ) {
    if (initial.offer) {
      this.stateValue = 'offering';
      this.sdpText = buildOffer(this.localParams());
    } else {
      this.stateValue = 'negotiated';
      const answer = buildAnswer(initial.remote, this.localParams());
      if (!answer.ok) throw new Error(`media session: answering an offer that was checked: ${answer.message}`);
      this.sdpText = answer.sdp;
      this.negotiated = answer.audio;
      this.remoteOrigin = originKey(initial.remote);
    }
  }

  get localSdp(): string {
    return this.sdpText;
  }

  get state(): MediaSessionState {
    return this.stateValue;
  }

  /** The negotiated stream, null until an answer was accepted. */
  get audio(): NegotiatedAudio | null {
    return this.negotiated;
  }

  /** The held RTP/RTCP sockets, for the media layer. */
  get ports(): RtpPortPair {
    return this.pair;
  }

  setRemote(sdp: string): boolean {
    if (this.stateValue === 'closed') return false;
    const parsed = parseSdp(sdp);
    if (!parsed.ok) return false;
    const origin = originKey(parsed.sdp);
    if (this.stateValue === 'offering') {
      const read = readAnswer(parsed.sdp);
      if (!read.ok) return false;
      this.negotiated = read.audio;
      this.remoteOrigin = origin;
      this.transition('answer-accepted');
      return true;
    }
    if (origin === this.remoteOrigin) return true;
    // A re-offer (hold, resume, a new address): answer it; o= version grows only when our SDP changes.
    const same = buildAnswer(parsed.sdp, this.localParams());
    if (!same.ok) return false;
    if (same.sdp !== this.sdpText) {
      const bumped = buildAnswer(parsed.sdp, { ...this.localParams(), version: this.version + 1 });
      if (!bumped.ok) return false;
      this.version++;
      this.sdpText = bumped.sdp;
    }
    this.negotiated = same.audio;
    this.remoteOrigin = origin;
    return true;
  }

  close(): void {
    if (this.stateValue === 'closed') return;
    this.transition('close');
    this.release(this.pair);
  }

  private transition(event: MediaSessionEvent): void {
    this.stateValue = nextMediaSessionState(this.stateValue, event);
  }

  private localParams(): { host: string; port: number; sessId: string; version: number } {
    return { host: this.host, port: this.pair.port, sessId: this.sessId, version: this.version };
  }
}

function originKey(sdp: SdpDescription): string {
  const o = sdp.origin;
  return `${o.username} ${o.sessId} ${o.sessVersion} ${o.address}`;
}

export function createMediaSessions(o: MediaSessionsOptions): MediaSessions {
  const release = (pair: RtpPortPair): void => o.pool.release(pair);
  return {
    offer(): RtpMediaSession | null {
      const pair = o.pool.take();
      return pair ? new RtpMediaSession(pair, release, o.publicHost, { offer: true }) : null;
    },
    answer(offerSdp: string) {
      const parsed = parseSdp(offerSdp);
      if (!parsed.ok) return { ok: false, status: 488, reason: `unusable SDP: ${parsed.error.message}` };
      // Check the codecs before taking a port, so a refused offer never holds one.
      const probe = buildAnswer(parsed.sdp, { host: o.publicHost, port: 0, sessId: '0', version: 0 });
      if (!probe.ok) return { ok: false, status: 488, reason: probe.message };
      const pair = o.pool.take();
      if (!pair) return { ok: false, status: 503, reason: 'no free RTP port' };
      return { ok: true, session: new RtpMediaSession(pair, release, o.publicHost, { offer: false, remote: parsed.sdp }) };
    },
  };
}
