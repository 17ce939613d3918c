/**
 * One call's audio: the RTP end (what the SIP side says and hears) joined to the modem's PCM end (what
 * the GSM side says and hears), with the call's DTMF on both sides.
 *
 * The modem writer's 20 ms tick is the call's only clock (audio-contract.ts): each tick takes the next
 * frame from the RTP end's jitter buffer, or a DTMF tone frame while a digit is keyed in-band towards
 * the GSM side; each frame the modem reads goes to the RTP end at once, after the in-band detector
 * (when the family's modem reports no DTMF itself) has looked at it.
 *
 * Digits (manual §4.4 "DTMF 信号"; RFC 4733; SIP INFO per the call):
 * - From SIP: RFC 4733 events arrive here (`rtp.onDigit`); SIP INFO digits arrive from the call through
 *   `digitFromSip`. Both are handed to `onSipDigit` listeners: the call decides (two-stage collecting,
 *   call-waiting keys) and usually calls `keyToGsm`, which keys the digit with AT+VTS or in-band.
 * - From GSM: the modem's DTMF reports (`digitFromGsm`) or the in-band detector; handed to `onGsmDigit`
 *   listeners, which send them per the configured mode (`sendDigitToSip` for RFC 4733).
 */
import type { DtmfDigit, ModemAudioEnd, RtpEnd } from '../audio-contract.js';

/** Finds DTMF digits in the GSM side's 20 ms frames (ITU-T Q.24 detection); reports each once. */
export interface FrameDigitDetector {
  push(frame: Int16Array): readonly DtmfDigit[];
}

/** The 20 ms frames of one in-band DTMF digit (ITU-T Q.23 pair) followed by its pause. */
export type DigitTone = (digit: DtmfDigit, durationMs: number) => readonly Int16Array[];

export interface CallAudioBridgeOptions {
  readonly rtp: RtpEnd;
  readonly modem: ModemAudioEnd;
  /** Keys digits to the GSM side with AT+VTS (TS 27.007 §C.2.11); absent: keyed in-band. */
  readonly vts?: (digit: DtmfDigit) => Promise<void>;
  /** Needed when digits are keyed in-band towards GSM, or towards SIP when RFC 4733 was not negotiated. */
  readonly digitTone: DigitTone;
  /** In-band detection of the GSM side's digits, for families whose modem does not report them. */
  readonly detector?: FrameDigitDetector;
  /** How long a digit keyed from our side lasts (RFC 4733 duration or tone length). */
  readonly digitMs?: number;
  /**
   * Voice activity detection on the GSM side's audio (manual §4.5 "静音抑制"): a frame judged silent is
   * not sent (the RTP end keeps its clock and sends comfort noise where negotiated). Absent: all sent.
   */
  readonly vad?: (frame: Int16Array) => { active: boolean; levelDbov: number };
  /** No RTP for the configured time (manual §4.5 "RTP 断线检测"). */
  readonly onRtpTimeout: () => void;
  /** The modem's audio port stayed dead after recovery. */
  readonly onModemDead: (reason: string) => void;
  readonly onError?: (what: string, error: Error) => void;
}

type DigitListener = (digit: DtmfDigit) => void;

export class CallAudioBridge {
  private readonly sipDigitListeners: DigitListener[] = [];
  private readonly gsmDigitListeners: DigitListener[] = [];
  /** In-band tone frames still to write towards the GSM side (replacing the RTP audio meanwhile). */
  private toGsmTone: Int16Array[] = [];
  /** In-band tone frames still to send towards the SIP side (replacing the modem audio meanwhile). */
  private toSipTone: Int16Array[] = [];
  private closed = false;
  private readonly digitMs: number;

  constructor(private readonly o: CallAudioBridgeOptions) {
    this.digitMs = o.digitMs ?? 100;
    o.modem.onFrame((frame) => this.fromModem(frame));
    o.modem.setSource(() => this.toModem());
    o.modem.onDead((reason) => {
      if (!this.closed) o.onModemDead(reason);
    });
    o.rtp.onDigit((digit) => this.emit(this.sipDigitListeners, digit));
    o.rtp.onTimeout(() => {
      if (!this.closed) o.onRtpTimeout();
    });
  }

  /** A digit from the SIP side (RFC 4733 here, or SIP INFO through the call). */
  onSipDigit(listener: DigitListener): void {
    this.sipDigitListeners.push(listener);
  }

  /** A digit from the GSM side (the modem's report or the in-band detector). */
  onGsmDigit(listener: DigitListener): void {
    this.gsmDigitListeners.push(listener);
  }

  /** A digit the SIP side sent as SIP INFO (RFC 6086 with application/dtmf-relay). */
  digitFromSip(digit: DtmfDigit): void {
    if (!this.closed) this.emit(this.sipDigitListeners, digit);
  }

  /** A digit the modem reported (Quectel +QTONEDET, SIMCom +RXDTMF). */
  digitFromGsm(digit: DtmfDigit): void {
    if (!this.closed) this.emit(this.gsmDigitListeners, digit);
  }

  /** Keys a digit to the GSM side: AT+VTS where the line has it, else in-band in the frames we write. */
  keyToGsm(digit: DtmfDigit): void {
    if (this.closed) return;
    if (this.o.vts) {
      this.o.vts(digit).catch((error: Error) => this.o.onError?.('AT+VTS', error));
      return;
    }
    this.toGsmTone.push(...this.o.digitTone(digit, this.digitMs));
  }

  /**
   * Sends a digit to the SIP side as RFC 4733 events, or in-band when the peer took none. Used for
   * digits the modem reported; digits the detector found are in the audio already.
   */
  sendDigitToSip(digit: DtmfDigit): void {
    if (this.closed) return;
    if (!this.o.rtp.sendDigit(digit, this.digitMs)) this.toSipTone.push(...this.o.digitTone(digit, this.digitMs));
  }

  stats(): { rtp: ReturnType<RtpEnd['stats']>; modem: ReturnType<ModemAudioEnd['stats']> } {
    return { rtp: this.o.rtp.stats(), modem: this.o.modem.stats() };
  }

  /** Stops both ends; the modem's PCM is switched off and its port closed. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.o.modem.setSource(null);
    this.o.rtp.close();
    await this.o.modem.close();
  }

  private fromModem(frame: Int16Array): void {
    if (this.closed) return;
    if (this.o.detector) for (const digit of this.o.detector.push(frame)) this.emit(this.gsmDigitListeners, digit);
    const tone = this.toSipTone.shift();
    if (tone === undefined && this.o.vad && this.o.rtp.sendSilence) {
      const decision = this.o.vad(frame);
      if (!decision.active) return this.o.rtp.sendSilence(decision.levelDbov);
    }
    this.o.rtp.sendFrame(tone ?? frame);
  }

  private toModem(): Int16Array | null {
    if (this.closed) return null;
    // The jitter buffer's clock runs on even while a tone replaces its audio: its frame is dropped.
    const frame = this.o.rtp.nextFrame();
    return this.toGsmTone.shift() ?? frame;
  }

  private emit(listeners: readonly DigitListener[], digit: DtmfDigit): void {
    for (const listener of listeners) {
      try {
        listener(digit);
      } catch (error) {
        this.o.onError?.('digit listener', error as Error);
      }
    }
  }
}
