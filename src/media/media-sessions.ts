/**
 * Media sessions of calls: SDP offer/answer (src/sip/sdp) over an RTP port pair from the pool, and the
 * call's audio once the call asks for it (`startAudio`): the starter the daemon gives joins the port
 * pair's RTP to the line's modem audio (call-audio-link.ts). Without a starter a session only negotiates.
 */
import { randomInt } from 'node:crypto';
import { buildAnswer, buildOffer, parseSdp, readAnswer, type G711, type LocalSdpParams, type NegotiatedAudio, type SdpDescription } from '../sip/sdp/index.js';
import type { SrtpMode } from '../sip/sdp/sdp-negotiate.js';
import { generateSrtpMasterKey } from './srtp/sdes-crypto.js';
import type { SrtpMasterKey } from './srtp/srtp-transform.js';
import { nextMediaSessionState, type MediaSessionEvent, type MediaSessionState } from './media-session-state.js';
import type { RtpPortPair, RtpPortPool } from './rtp-port-pool.js';
import type { CallAudioEvents, DtmfDigit, MediaSession, MediaSessions } from './media-contract.js';
import type { CallAudioLink, CallAudioStarter } from './call-audio-link.js';

export type { MediaSession, MediaSessions } from './media-contract.js';

export interface MediaSessionsOptions {
  pool: RtpPortPool;
  /** The address written in c= and o=: where peers send RTP (our public host). */
  publicHost: string;
  /** `sip.media.codecs` and `ptimeMs`, read for each new session; absent: PCMU, PCMA and 20 ms. */
  settings?: () => SdpSettings;
  /** Joins a session's RTP to a line's audio; absent: sessions negotiate only. */
  audio?: CallAudioStarter;
  /** Told when a call's audio cannot start (the starter threw). */
  onAudioError?: (lineId: number, error: Error) => void;
}

/** What configuration says of our SDP. */
export interface SdpSettings {
  readonly codecs: readonly G711[];
  readonly ptimeMs: number;
  /** `sip.media.srtp`; absent: off. */
  readonly srtp?: SrtpMode;
  /** `sip.media.vad`: comfort noise offered and accepted. */
  readonly vad?: boolean;
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
  /** startAudio's request, kept until the peer's SDP is known. */
  private audioWanted: { lineId: number | null; events: CallAudioEvents } | null = null;
  private audioStarted = false;
  private link: CallAudioLink | null = null;
  /** Our SRTP master key for this call (RFC 4568 §6.1: fresh per session), when SRTP may be used. */
  private readonly srtpKey: SrtpMasterKey | null;

  constructor(
    private readonly pair: RtpPortPair,
    private readonly release: (pair: RtpPortPair) => void,
    private readonly host: string,
    initial: { offer: true } | { offer: false; remote: SdpDescription },
    private readonly starter: CallAudioStarter | null = null,
    private readonly onAudioError: (lineId: number, error: Error) => void = () => undefined,
    private readonly sdpSettings: SdpSettings | null = null,
  ) {
    this.srtpKey = sdpSettings?.srtp !== undefined && sdpSettings.srtp !== 'off' ? generateSrtpMasterKey() : null;
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
      const read = readAnswer(parsed.sdp, this.localParams());
      if (!read.ok) return false;
      this.negotiated = read.audio;
      this.remoteOrigin = origin;
      this.transition('answer-accepted');
      this.maybeStartAudio();
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
    this.link?.update(same.audio);
    return true;
  }

  startAudio(lineId: number | null, events: CallAudioEvents): void {
    if (this.stateValue === 'closed') return;
    const wanted = this.audioWanted;
    if (wanted === null) {
      this.audioWanted = { lineId, events };
      return this.maybeStartAudio();
    }
    // Two-stage dialling: the local audio gets its line now (once).
    if (wanted.lineId !== null || lineId === null) return;
    this.audioWanted = { lineId, events };
    this.link?.attachLine(lineId);
  }

  keyToGsm(digit: DtmfDigit): void {
    this.link?.keyToGsm(digit);
  }

  sendDigitToSip(digit: DtmfDigit): void {
    this.link?.sendDigitToSip(digit);
  }

  /** Whether the call's audio runs (the starter gave a link). */
  get audioRunning(): boolean {
    return this.link !== null;
  }

  close(): void {
    if (this.stateValue === 'closed') return;
    this.transition('close');
    const link = this.link;
    this.link = null;
    // The RTP end lets go of the sockets before the pair goes back to the pool.
    if (link === null) return this.release(this.pair);
    link.close().catch(() => undefined).finally(() => this.release(this.pair));
  }

  private maybeStartAudio(): void {
    const wanted = this.audioWanted;
    const audio = this.negotiated;
    if (this.starter === null || wanted === null || audio === null || this.audioStarted) return;
    this.audioStarted = true;
    this.starter({ lineId: wanted.lineId, ports: this.pair, audio, events: wanted.events }).then(
      (link) => {
        if (link === null) return;
        // Closed while the modem's audio port opened: it goes again at once.
        if (this.stateValue === 'closed') return void link.close().catch(() => undefined);
        this.link = link;
        // A re-INVITE answered while the starter ran: the link starts from the newest negotiation.
        if (this.negotiated !== null && this.negotiated !== audio) link.update(this.negotiated);
        // A line named while the starter ran.
        const now = this.audioWanted;
        if (wanted.lineId === null && now !== null && now.lineId !== null) link.attachLine(now.lineId);
      },
      (error: Error) => this.onAudioError(wanted.lineId ?? 0, error),
    );
  }

  private transition(event: MediaSessionEvent): void {
    this.stateValue = nextMediaSessionState(this.stateValue, event);
  }

  private localParams(): LocalSdpParams {
    const base = { host: this.host, port: this.pair.port, sessId: this.sessId, version: this.version };
    if (!this.sdpSettings) return base;
    const srtp = this.srtpKey && this.sdpSettings.srtp ? { srtp: { mode: this.sdpSettings.srtp, key: this.srtpKey } } : {};
    return { ...base, codecs: this.sdpSettings.codecs, ptimeMs: this.sdpSettings.ptimeMs, comfortNoise: this.sdpSettings.vad === true, ...srtp };
  }
}

function originKey(sdp: SdpDescription): string {
  const o = sdp.origin;
  return `${o.username} ${o.sessId} ${o.sessVersion} ${o.address}`;
}

const PROBE_KEY: SrtpMasterKey = { key: Buffer.alloc(16), salt: Buffer.alloc(14) };

export function createMediaSessions(o: MediaSessionsOptions): MediaSessions {
  const release = (pair: RtpPortPair): void => o.pool.release(pair);
  return {
    offer(): RtpMediaSession | null {
      const pair = o.pool.take();
      return pair ? new RtpMediaSession(pair, release, o.publicHost, { offer: true }, o.audio ?? null, o.onAudioError, o.settings?.() ?? null) : null;
    },
    answer(offerSdp: string) {
      const parsed = parseSdp(offerSdp);
      if (!parsed.ok) return { ok: false, status: 488, reason: `unusable SDP: ${parsed.error.message}` };
      // Check the codecs before taking a port, so a refused offer never holds one.
      const settings = o.settings?.() ?? null;
      // The probe's key only checks that a usable one is offered; the session makes its own.
      const probeSrtp = settings?.srtp !== undefined && settings.srtp !== 'off' ? { srtp: { mode: settings.srtp, key: PROBE_KEY } } : {};
      const probe = buildAnswer(parsed.sdp, { host: o.publicHost, port: 0, sessId: '0', version: 0, ...(settings ? { codecs: settings.codecs, ptimeMs: settings.ptimeMs } : {}), ...probeSrtp });
      if (!probe.ok) return { ok: false, status: 488, reason: probe.message };
      const pair = o.pool.take();
      if (!pair) return { ok: false, status: 503, reason: 'no free RTP port' };
      return { ok: true, session: new RtpMediaSession(pair, release, o.publicHost, { offer: false, remote: parsed.sdp }, o.audio ?? null, o.onAudioError, settings) };
    },
  };
}
