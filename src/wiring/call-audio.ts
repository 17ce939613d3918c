/**
 * The daemon's call audio: the starter media sessions use (src/media/call-audio-link.ts) to run a
 * call's audio (src/media/bridge/call-audio-session.ts) over its RTP port pair.
 *
 * For one call: an RTP end over the session's sockets with `sip.media`'s settings; without a line yet
 * (two-stage dialling) a local clock plays the dial tone of `sip.media.tonePreset`; with a line, once
 * its GSM call is connected (or alerting, where the modem carries the network's ringback), the line's
 * modem audio (null: the family or the modem has none, and the call goes on without audio, logged);
 * while an outgoing call alerts on a modem without early media, our own ringback tone. DTMF from the
 * GSM side comes from the modem's own detection where the family has it (Quectel +QTONEDET, SIMCom
 * +RXDTMF), else from the in-band detector on its audio.
 * Digits to the GSM side go with AT+VTS unless `sip.media.dtmfToGsm` is "inband".
 */
import type { SipConfig } from '../config/schema-sip.js';
import type { DtmfDigit, ModemAudioEnd } from '../media/audio-contract.js';
import type { DigitTone, FrameDigitDetector } from '../media/bridge/call-audio-bridge.js';
import { CallAudioSession, type LineAudio, type LocalClock } from '../media/bridge/call-audio-session.js';
import type { UpdatableRtpEnd } from '../media/bridge/updatable-rtp-end.js';
import type { CallAudioLink, CallAudioRequest, CallAudioStarter } from '../media/call-audio-link.js';
import type { RtpPortPair } from '../media/rtp-port-pool.js';
import type { NegotiatedAudio } from '../sip/sdp/index.js';
import type { Logger } from '../util/log.js';
import { createRtpEnd } from '../media/rtp/index.js';
import { GoertzelDtmfDetector } from '../media/dtmf/goertzel-detector.js';
import { DtmfGenerator } from '../media/dtmf/dtmf-generator.js';
import { DEFAULT_WAKE_BATCHING } from '../media/modem-audio/tick-timers.js';
import { systemTickClock, WriterClock } from '../media/modem-audio/writer-clock.js';
import { TONE_PRESETS } from '../media/tones/tone-presets.js';
import { parseToneSpec } from '../media/tones/tone-spec.js';
import { TonePlayer } from '../media/tones/tone-player.js';
import { EnergyVad } from '../media/vad/energy-vad.js';
import { meanSquareToDbov } from '../media/vad/comfort-noise.js';

/** What call audio needs of a line (the daemon's Line has it). */
export interface AudioLine {
  status(): { callState: string };
  on(event: 'call', listener: (step: { to: string }) => void): unknown;
  off(event: 'call', listener: (step: { to: string }) => void): unknown;
  /** `early`: opened while the call alerts (callAudioEarly()), for the network's ringback. */
  openCallAudio(early?: boolean): Promise<ModemAudioEnd | null>;
  /** The modem carries the network's audio while an outgoing call alerts. */
  callAudioEarly(): boolean;
  /** Switches on the modem's DTMF reports; throws when the family has none. */
  detectDtmf(): Promise<void>;
  sendDtmf(keys: string): Promise<void>;
  on(event: 'call-dtmf', listener: (call: unknown, key: string) => void): unknown;
  off(event: 'call-dtmf', listener: (call: unknown, key: string) => void): unknown;
}

export interface RtpEndRequest {
  readonly ports: RtpPortPair;
  readonly audio: NegotiatedAudio;
  readonly media: SipConfig['media'];
}

export interface CallAudioWiringOptions {
  readonly line: (lineId: number) => AudioLine | undefined;
  readonly media: () => SipConfig['media'];
  readonly rtpEnd: (request: RtpEndRequest) => UpdatableRtpEnd;
  readonly detector: () => FrameDigitDetector;
  readonly digitTone: DigitTone;
  /** A call-progress tone's frames for a tone preset, or null for none. */
  readonly tone: (preset: SipConfig['media']['tonePreset'], name: 'dial' | 'ringback') => (() => Int16Array) | null;
  readonly localClock: (onTick: () => void) => LocalClock;
  readonly log: Logger;
}

const DIGITS = new Set('0123456789*#ABCD');

/** The GSM side's voice activity (EnergyVad) and the frame's level for comfort noise (RFC 3389 -dBov). */
function voiceActivity(): (frame: Int16Array) => { active: boolean; levelDbov: number } {
  const vad = new EnergyVad();
  return (frame) => {
    let sum = 0;
    for (const v of frame) sum += v * v;
    return { active: vad.process(frame).active, levelDbov: meanSquareToDbov(sum / frame.length) };
  };
}

function asDigit(key: string): DtmfDigit | null {
  const k = key.trim().toUpperCase();
  return DIGITS.has(k) && k.length === 1 ? (k as DtmfDigit) : null;
}

/** How long audio waits for the GSM answer before it is given up (the call's own timers end it first). */
const CONNECT_WAIT_MS = 180_000;

/**
 * Resolves 'connected' once the line's call is connected, 'alerting' once it alerts when `early` (the
 * modem hands over the network's ringback then), null when it ends first. Without early media, an
 * alerting call is reported to `alerting` and waited on: SIMCom's AT+CPCMREG=1 is refused before the
 * answer.
 */
function audioReady(line: AudioLine, early: boolean, alerting: () => void): Promise<'connected' | 'alerting' | null> {
  return new Promise((resolve) => {
    const done = (how: 'connected' | 'alerting' | null): void => {
      clearTimeout(timer);
      line.off('call', onStep);
      resolve(how);
    };
    const onStep = (step: { to: string }): void => {
      if (step.to === 'CONNECTED') done('connected');
      else if (step.to === 'IDLE') done(null);
      else if (step.to === 'ALERTING') {
        if (early) done('alerting');
        else alerting();
      }
    };
    const timer = setTimeout(() => done(null), CONNECT_WAIT_MS);
    line.on('call', onStep);
    // Where the call is already (IDLE is not its end: a two-stage call may attach before the dial starts).
    const now = line.status().callState;
    if (now === 'CONNECTED' || now === 'ALERTING') onStep({ to: now });
  });
}

/** Calls `connected` when the line's call is connected; returns the removal. */
function onConnected(line: AudioLine, connected: () => void): () => void {
  const onStep = (step: { to: string }): void => {
    if (step.to !== 'CONNECTED' && step.to !== 'IDLE') return;
    line.off('call', onStep);
    if (step.to === 'CONNECTED') connected();
  };
  line.on('call', onStep);
  return () => void line.off('call', onStep);
}

/** The line's audio for a call once it can carry it: its modem end, how digits go and come. */
async function openLine(line: AudioLine, media: SipConfig['media'], log: Logger, progress: { alerting(): void }): Promise<LineAudio | null> {
  const ready = await audioReady(line, line.callAudioEarly(), () => progress.alerting());
  if (ready === null) return null;
  const early = ready === 'alerting';
  const modem = await line.openCallAudio(early);
  if (modem === null) {
    log.info('call audio: the line has no modem audio; the call goes on without it');
    return null;
  }
  // Opened for the ringback: silence before the answer is not a dead port.
  const stopWatching = early ? onConnected(line, () => modem.armDeadWatch?.()) : () => undefined;
  // The modem reports keys itself where its family can; the in-band detector is the fallback.
  const modemDetects = await line.detectDtmf().then(
    () => true,
    () => false,
  );
  return {
    modem,
    ...(media.dtmfToGsm === 'vts' ? { vts: (digit: DtmfDigit) => line.sendDtmf(digit) } : {}),
    modemDetects,
    onModemKey: (listener) => {
      const onKey = (_call: unknown, key: string): void => {
        const digit = asDigit(key);
        if (digit !== null) listener(digit);
      };
      line.on('call-dtmf', onKey);
      return () => void line.off('call-dtmf', onKey);
    },
    release: stopWatching,
  };
}

export function createCallAudioStarter(o: CallAudioWiringOptions): CallAudioStarter {
  return async (request: CallAudioRequest): Promise<CallAudioLink | null> => {
    const log = o.log.child({ line: request.lineId });
    const media = o.media();
    // The setting may have changed with a reload: the shared tick timers follow it from this call on.
    systemTickClock.setBatching({ ...DEFAULT_WAKE_BATCHING, pauseMs: media.wakeBatchMs });
    // SRTP keys travel in `audio.srtp`: the RTP end keys its transform from them and re-keys at each update.
    const rtp = o.rtpEnd({ ports: request.ports, audio: request.audio, media });
    return new CallAudioSession(
      {
        rtp,
        events: request.events,
        openLine: async (lineId, progress) => {
          const line = o.line(lineId);
          if (line === undefined) {
            log.warn({ line: lineId }, 'call audio: no such line');
            return null;
          }
          return openLine(line, media, log.child({ line: lineId }), progress);
        },
        detector: o.detector,
        digitTone: o.digitTone,
        dialTone: () => o.tone(media.tonePreset, 'dial'),
        ringbackTone: () => o.tone(media.tonePreset, 'ringback'),
        localClock: o.localClock,
        rtpTimeoutSec: media.rtpTimeoutSec,
        ...(media.vad ? { vad: voiceActivity } : {}),
        onError: (what, error) => log.warn({ err: error.message }, `call audio: ${what} failed`),
        onClosed: (stats) => log.info(stats, 'call audio ended'),
      },
      request.lineId,
    );
  };
}

/** The daemon's starter: the RTP end, in-band detector, DTMF and call-progress tones of src/media. */
export function daemonCallAudio(o: { line: CallAudioWiringOptions['line']; media: CallAudioWiringOptions['media']; cname: string; log: Logger }): CallAudioStarter {
  return createCallAudioStarter({
    line: o.line,
    media: o.media,
    rtpEnd: ({ ports, audio, media }) =>
      createRtpEnd({
        pair: ports,
        audio,
        rtpTimeoutSec: media.rtpTimeoutSec,
        jitterCapMs: media.jitterBufferMs,
        symmetric: media.symmetricRtp,
        cname: o.cname,
      }),
    detector: () => {
      const detector = new GoertzelDtmfDetector();
      return { push: (frame) => detector.push(frame).map((d) => d.digit) };
    },
    // Q.24 receivers take 40 ms; the network's own AT+VTS tones are about as long as our default.
    digitTone: (digit, durationMs) => DtmfGenerator.digitFrames(digit, { durationMs, gapMs: 60 }),
    tone: (preset, name) => {
      const parsed = parseToneSpec(TONE_PRESETS[preset][name]);
      if (!parsed.ok) return null;
      const player = new TonePlayer(parsed.spec);
      return () => player.nextFrame();
    },
    localClock: (onTick) => {
      const clock = new WriterClock({ periodMs: 20, align: true, onTick });
      return { begin: () => clock.begin(), stop: () => clock.stop() };
    },
    log: o.log,
  });
}
