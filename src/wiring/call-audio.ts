/**
 * The daemon's call audio: the starter media sessions use (src/media/call-audio-link.ts) to join a
 * call's RTP port pair to its line's modem audio through a CallAudioBridge.
 *
 * For one call: the line opens its modem audio (null: the family or the modem has none, and the call
 * goes on without audio, logged); an RTP end is made over the session's sockets with `sip.media`'s
 * settings; the bridge joins them. DTMF from the GSM side comes from the modem's own detection where
 * the family has it (Quectel +QTONEDET, SIMCom +RXDTMF), else from the in-band detector on its audio.
 * Digits to the GSM side go with AT+VTS unless `sip.media.dtmfToGsm` is "inband" or the family has no
 * +VTS.
 */
import type { SipConfig } from '../config/schema-sip.js';
import type { DtmfDigit, ModemAudioEnd, PacketTransform, RtpEnd } from '../media/audio-contract.js';
import { CallAudioBridge, type DigitTone, type FrameDigitDetector } from '../media/bridge/call-audio-bridge.js';
import type { CallAudioLink, CallAudioRequest, CallAudioStarter } from '../media/call-audio-link.js';
import type { RtpPortPair } from '../media/rtp-port-pool.js';
import type { NegotiatedAudio } from '../sip/sdp/index.js';
import type { Logger } from '../util/log.js';
import { createRtpEnd } from '../media/rtp/index.js';
import { GoertzelDtmfDetector } from '../media/dtmf/goertzel-detector.js';
import { DtmfGenerator } from '../media/dtmf/dtmf-generator.js';

/** What call audio needs of a line (the daemon's Line has it). */
export interface AudioLine {
  status(): { callState: string };
  on(event: 'call', listener: (step: { to: string }) => void): unknown;
  off(event: 'call', listener: (step: { to: string }) => void): unknown;
  openCallAudio(): Promise<ModemAudioEnd | null>;
  /** Switches on the modem's DTMF reports; throws when the family has none. */
  detectDtmf(): Promise<void>;
  sendDtmf(keys: string): Promise<void>;
  on(event: 'call-dtmf', listener: (call: unknown, key: string) => void): unknown;
  off(event: 'call-dtmf', listener: (call: unknown, key: string) => void): unknown;
}

/** An RTP end with the re-INVITE update the link needs. */
export interface UpdatableRtpEnd extends RtpEnd {
  update(audio: NegotiatedAudio): void;
}

export interface RtpEndRequest {
  readonly ports: RtpPortPair;
  readonly audio: NegotiatedAudio;
  readonly media: SipConfig['media'];
  readonly transform?: PacketTransform;
}

export interface CallAudioWiringOptions {
  readonly line: (lineId: number) => AudioLine | undefined;
  readonly media: () => SipConfig['media'];
  readonly rtpEnd: (request: RtpEndRequest) => UpdatableRtpEnd;
  readonly detector: () => FrameDigitDetector;
  readonly digitTone: DigitTone;
  readonly log: Logger;
}

const DIGITS = new Set('0123456789*#ABCD');

/** How long early media waits for the GSM answer before the audio is given up (the call's own timers end it first). */
const CONNECT_WAIT_MS = 180_000;

/**
 * Resolves true once the line's call is connected, false when it ends first. The modem's PCM runs for a
 * connected call (SIMCom's AT+CPCMREG=1 is refused before), so early media waits here.
 */
function connected(line: AudioLine): Promise<boolean> {
  if (line.status().callState === 'CONNECTED') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      line.off('call', onStep);
      resolve(ok);
    };
    const onStep = (step: { to: string }): void => {
      if (step.to === 'CONNECTED') done(true);
      else if (step.to === 'IDLE') done(false);
    };
    const timer = setTimeout(() => done(false), CONNECT_WAIT_MS);
    line.on('call', onStep);
  });
}

function asDigit(key: string): DtmfDigit | null {
  const k = key.trim().toUpperCase();
  return DIGITS.has(k) && k.length === 1 ? (k as DtmfDigit) : null;
}

export function createCallAudioStarter(o: CallAudioWiringOptions): CallAudioStarter {
  return async (request: CallAudioRequest): Promise<CallAudioLink | null> => {
    const log = o.log.child({ line: request.lineId });
    const line = o.line(request.lineId);
    if (line === undefined) {
      log.warn('call audio: no such line');
      return null;
    }
    if (!(await connected(line))) return null;
    const modem = await line.openCallAudio();
    if (modem === null) {
      log.info('call audio: the line has no modem audio; the call goes on without it');
      return null;
    }
    const media = o.media();
    const rtp = o.rtpEnd({ ports: request.ports, audio: request.audio, media });
    // The modem reports keys itself where its family can; the in-band detector is the fallback.
    const modemDetects = await line.detectDtmf().then(
      () => true,
      () => false,
    );
    const useVts = media.dtmfToGsm === 'vts';
    const bridge = new CallAudioBridge({
      rtp,
      modem,
      ...(useVts ? { vts: (digit: DtmfDigit) => line.sendDtmf(digit) } : {}),
      digitTone: o.digitTone,
      ...(modemDetects ? {} : { detector: o.detector() }),
      onRtpTimeout: () => request.events.failed(`no RTP for ${media.rtpTimeoutSec} s`),
      onModemDead: (reason) => request.events.failed(`the modem's audio port died (${reason})`),
      onError: (what, error) => log.warn({ err: error.message }, `call audio: ${what} failed`),
    });
    bridge.onSipDigit((digit) => request.events.sipDigit(digit));
    bridge.onGsmDigit((digit) => request.events.gsmDigit(digit));
    const onKey = (_call: unknown, key: string): void => {
      const digit = asDigit(key);
      if (digit !== null) bridge.digitFromGsm(digit);
    };
    if (modemDetects) line.on('call-dtmf', onKey);
    log.debug({ codec: request.audio.codec.encoding, ptime: request.audio.ptime, remote: request.audio.remote, modemDetects, useVts }, 'call audio started');
    return {
      keyToGsm: (digit) => bridge.keyToGsm(digit),
      sendDigitToSip: (digit) => bridge.sendDigitToSip(digit),
      update: (audio) => rtp.update(audio),
      async close() {
        line.off('call-dtmf', onKey);
        const stats = bridge.stats();
        await bridge.close();
        log.info({ rtp: stats.rtp, modem: stats.modem }, 'call audio ended');
      },
    };
  };
}

/** The daemon's starter: the RTP end, in-band detector and DTMF tones of src/media, with `sip.media`'s settings. */
export function daemonCallAudio(o: { line: CallAudioWiringOptions['line']; media: CallAudioWiringOptions['media']; cname: string; log: Logger }): CallAudioStarter {
  return createCallAudioStarter({
    line: o.line,
    media: o.media,
    rtpEnd: ({ ports, audio, media, transform }) =>
      createRtpEnd({
        pair: ports,
        audio,
        rtpTimeoutSec: media.rtpTimeoutSec,
        jitterCapMs: media.jitterBufferMs,
        symmetric: media.symmetricRtp,
        cname: o.cname,
        ...(transform ? { transform } : {}),
      }),
    detector: () => {
      const detector = new GoertzelDtmfDetector();
      return { push: (frame) => detector.push(frame).map((d) => d.digit) };
    },
    // Q.24 receivers take 40 ms; the network's own AT+VTS tones are about as long as our default.
    digitTone: (digit, durationMs) => DtmfGenerator.digitFrames(digit, { durationMs, gapMs: 60 }),
    log: o.log,
  });
}
