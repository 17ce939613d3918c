/**
 * One call's audio over its life, as a state machine:
 *
 *   local ──attach──▶ attaching ──modem open──▶ bridged
 *     │                   │  ╲──no modem audio──▶ rtp-only
 *     └────────────── close ─────────────────────────▶ closed   (from every state)
 *
 * - `local`: the SIP side is answered before any GSM call (two-stage dialling, manual §4.6): a 20 ms
 *   clock of our own plays the dial tone (appendix B tone syntax) to the caller and listens to the
 *   caller's audio for in-band DTMF; RFC 4733 digits arrive from the RTP end as always.
 * - `attaching`: a line's call carries the audio now; its modem audio opens once the GSM call is
 *   connected, or as soon as it alerts where the modem carries the network's ringback (early media,
 *   call-audio.ts). While a call alerts on a modem that cannot, the local clock plays our own ringback
 *   tone, so a caller who got 183 with SDP does not wait in silence.
 * - `bridged`: the CallAudioBridge joins the same RTP end to the modem (SSRC and sequence go on).
 * - `rtp-only`: the line has no modem audio; the call goes on without it.
 */
import type { DtmfDigit, ModemAudioEnd } from '../audio-contract.js';
import type { CallAudioEvents } from '../media-contract.js';
import type { CallAudioLink } from '../call-audio-link.js';
import type { NegotiatedAudio } from '../../sip/sdp/index.js';
import { CallAudioBridge, type DigitTone, type FrameDigitDetector } from './call-audio-bridge.js';
import type { UpdatableRtpEnd } from './updatable-rtp-end.js';

export type CallAudioState = 'local' | 'attaching' | 'bridged' | 'rtp-only' | 'closed';
export type CallAudioEvent = 'attach' | 'modem-opened' | 'no-modem' | 'close';

const EDGES: Record<CallAudioState, Partial<Record<CallAudioEvent, CallAudioState>>> = {
  local: { attach: 'attaching', close: 'closed' },
  attaching: { 'modem-opened': 'bridged', 'no-modem': 'rtp-only', close: 'closed' },
  bridged: { close: 'closed' },
  'rtp-only': { close: 'closed' },
  closed: { close: 'closed' },
};

export function nextCallAudioState(from: CallAudioState, event: CallAudioEvent): CallAudioState {
  const to = EDGES[from][event];
  if (to === undefined) throw new Error(`call audio: illegal transition ${from} --${event}-->`);
  return to;
}

/** A 20 ms clock of our own for the local state (the modem's clock drives a bridged call). */
export interface LocalClock {
  begin(): void;
  stop(): void;
}

/** What the session opens for a line: its modem audio and how it keys and hears digits. */
export interface LineAudio {
  readonly modem: ModemAudioEnd;
  /** AT+VTS, when digits go to GSM that way and the family has it. */
  readonly vts?: (digit: DtmfDigit) => Promise<void>;
  /** The modem reports the GSM side's keys itself (else the in-band detector listens). */
  readonly modemDetects: boolean;
  /** Registers the modem's key reports; returns the removal. */
  onModemKey(listener: (digit: DtmfDigit) => void): () => void;
  /** Runs after the bridge closed (the line's own clean-up). */
  release(): void;
}

export interface CallAudioSessionOptions {
  readonly rtp: UpdatableRtpEnd;
  readonly events: CallAudioEvents;
  /**
   * Opens the line's audio once its GSM call can carry it; null: none (or the call ended first).
   * `alerting` is called when the GSM call alerts and its modem gives no audio until the answer.
   */
  readonly openLine: (lineId: number, progress: { alerting(): void }) => Promise<LineAudio | null>;
  readonly detector: () => FrameDigitDetector;
  readonly digitTone: DigitTone;
  /** The dial tone's next 20 ms frame for the local state, or null for silence. */
  readonly dialTone: () => (() => Int16Array) | null;
  /** The ringback tone's next 20 ms frame while a modem without early media alerts, or null for none. */
  readonly ringbackTone: () => (() => Int16Array) | null;
  readonly localClock: (onTick: () => void) => LocalClock;
  readonly rtpTimeoutSec: number;
  /** A fresh voice activity detector for a bridged call (`sip.media.vad`), or absent. */
  readonly vad?: () => (frame: Int16Array) => { active: boolean; levelDbov: number };
  readonly onError: (what: string, error: Error) => void;
  readonly onClosed?: (stats: { rtp: ReturnType<UpdatableRtpEnd['stats']>; modem: ReturnType<ModemAudioEnd['stats']> | null }) => void;
}

export class CallAudioSession implements CallAudioLink {
  private st: CallAudioState = 'local';
  private clock: LocalClock | null = null;
  private bridge: CallAudioBridge | null = null;
  private line: LineAudio | null = null;
  private removeModemKeys: (() => void) | null = null;

  constructor(
    private readonly o: CallAudioSessionOptions,
    lineId: number | null,
  ) {
    o.rtp.onDigit((digit) => {
      // Bridged, the bridge hears the RTP end's digits itself.
      if (this.st === 'local' || this.st === 'attaching' || this.st === 'rtp-only') o.events.sipDigit(digit);
    });
    o.rtp.onTimeout(() => {
      if (this.st !== 'closed' && this.st !== 'bridged') o.events.failed(`no RTP for ${o.rtpTimeoutSec} s`);
    });
    if (lineId === null) this.startLocal();
    else this.attachLine(lineId);
  }

  get state(): CallAudioState {
    return this.st;
  }

  /** The line's call carries the audio from now on. */
  attachLine(lineId: number): void {
    if (this.st !== 'local') return;
    this.move('attach');
    this.stopLocalClock();
    this.o.openLine(lineId, { alerting: () => this.playRingback() }).then(
      (line) => this.lineOpened(line),
      (error: Error) => {
        this.o.onError('opening the line audio', error);
        this.stopLocalClock();
        if (this.st === 'attaching') this.move('no-modem');
      },
    );
  }

  keyToGsm(digit: DtmfDigit): void {
    this.bridge?.keyToGsm(digit);
  }

  sendDigitToSip(digit: DtmfDigit): void {
    this.bridge?.sendDigitToSip(digit);
  }

  update(audio: NegotiatedAudio): void {
    if (this.st !== 'closed') this.o.rtp.update(audio);
  }

  async close(): Promise<void> {
    if (this.st === 'closed') return;
    this.move('close');
    this.stopLocalClock();
    this.removeModemKeys?.();
    const stats = { rtp: this.o.rtp.stats(), modem: this.line?.modem.stats() ?? null };
    if (this.bridge) await this.bridge.close();
    else this.o.rtp.close();
    this.line?.release();
    this.o.onClosed?.(stats);
  }

  private startLocal(): void {
    const tone = this.o.dialTone();
    const detector = this.o.detector();
    this.clock = this.o.localClock(() => {
      for (const digit of detector.push(this.o.rtp.nextFrame())) this.o.events.sipDigit(digit);
      if (tone) this.o.rtp.sendFrame(tone());
    });
    this.clock.begin();
  }

  /** Our own ringback to the caller until the modem's audio opens (or the call ends). */
  private playRingback(): void {
    if (this.st !== 'attaching' || this.clock !== null) return;
    const tone = this.o.ringbackTone();
    if (tone === null) return;
    this.clock = this.o.localClock(() => this.o.rtp.sendFrame(tone()));
    this.clock.begin();
  }

  private stopLocalClock(): void {
    this.clock?.stop();
    this.clock = null;
  }

  private lineOpened(line: LineAudio | null): void {
    this.stopLocalClock();
    if (line === null) {
      if (this.st === 'attaching') this.move('no-modem');
      return;
    }
    if (this.st !== 'attaching') {
      // Closed while the port opened: let it go again.
      void line.modem.close().finally(() => line.release());
      return;
    }
    this.line = line;
    const bridge = new CallAudioBridge({
      rtp: this.o.rtp,
      modem: line.modem,
      ...(line.vts ? { vts: line.vts } : {}),
      digitTone: this.o.digitTone,
      ...(line.modemDetects ? {} : { detector: this.o.detector() }),
      ...(this.o.vad ? { vad: this.o.vad() } : {}),
      onRtpTimeout: () => this.o.events.failed(`no RTP for ${this.o.rtpTimeoutSec} s`),
      onModemDead: (reason) => this.o.events.failed(`the modem's audio port died (${reason})`),
      onError: this.o.onError,
    });
    bridge.onSipDigit((digit) => this.o.events.sipDigit(digit));
    bridge.onGsmDigit((digit) => this.o.events.gsmDigit(digit));
    if (line.modemDetects) this.removeModemKeys = line.onModemKey((digit) => bridge.digitFromGsm(digit));
    this.bridge = bridge;
    this.move('modem-opened');
  }

  private move(event: CallAudioEvent): void {
    this.st = nextCallAudioState(this.st, event);
  }
}
