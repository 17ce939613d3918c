/**
 * SIMCom call audio over USB (SIM7500/SIM7600). Facts from the SIM7500_SIM7600 Series AT Command Manual
 * (audio commands) and SIMCom's USB audio application note:
 *  - AT+CPCMREG=1 streams 16-bit mono PCM on the USB audio interface (interface 4 of product 0x9001);
 *    AT+CPCMREG=0 stops it. The module refuses AT+CPCMREG=1 (ERROR) while no call is connected, so it is
 *    sent per call, after the call is active (startCall), and =0 at hang-up (stopCall). Users report the
 *    audio degrading after many on/off cycles; only a module restart recovers it.
 *  - AT+CPCMFRM=1 switches the port to 16 kHz (=0 is 8 kHz, the default), on firmware that has it: sent
 *    at bring-up only when the line is configured for 16 kHz, so older firmware without it still works.
 *  - AT+CMICGAIN=<0–8> uplink and AT+COUTGAIN=<0–8> downlink gain (read back as `+CMICGAIN: 3`).
 *  - AT+CECM=<mode>: echo canceller mode, 0 off, 1–7 the firmware's presets.
 */
import type { AudioCapability, AudioGains, EchoCancellerSetting, PcmFormat } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';
import { checkGains, checkInRange } from '../generic/audio-checks.js';
import { InvalidArgumentError } from '../generic/errors.js';

const TIMEOUTS = {
  /** AT+CPCMREG sets up the PCM stream. */
  usbAudio: 5_000,
  audio: 2_000,
};

export const SIMCOM_GAIN_RANGES = { mic: [0, 8], speaker: [0, 8] } as const;
const CECM_MODES: readonly [number, number] = [0, 7];

export class SimcomAudio implements AudioCapability {
  readonly gainRanges = SIMCOM_GAIN_RANGES;
  /** AT+CPCMREG=1 is refused until the call is connected: no audio before the answer. */
  readonly earlyMedia = false;

  constructor(
    private readonly at: AtContext,
    /** From the family options `pcmSampleRate` / `pcmFrameMs` (8000 / 20 by default). */
    readonly format: PcmFormat = { sampleRate: 8000, frameMs: 20 },
  ) {}

  /** AT+CPCMFRM=1 when the line is set for 16 kHz; nothing otherwise. */
  async prepare(): Promise<void> {
    if (this.format.sampleRate === 16000) await this.at.execOk({ cmd: 'AT+CPCMFRM=1', timeoutMs: TIMEOUTS.audio });
  }

  /** AT+CPCMREG=1; refused (ERROR) by the module until a call is connected. */
  async startCall(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+CPCMREG=1', timeoutMs: TIMEOUTS.usbAudio });
  }

  /** AT+CPCMREG=0: stops the PCM stream (accepted with or without a call). */
  async stopCall(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+CPCMREG=0', timeoutMs: TIMEOUTS.usbAudio });
  }

  /** AT+CMICGAIN=<mic>, AT+COUTGAIN=<speaker>. */
  async setGains(gains: AudioGains): Promise<void> {
    const g = checkGains(gains, this.gainRanges);
    if (g.mic !== undefined) await this.at.execOk({ cmd: `AT+CMICGAIN=${g.mic}`, timeoutMs: TIMEOUTS.audio });
    if (g.speaker !== undefined) await this.at.execOk({ cmd: `AT+COUTGAIN=${g.speaker}`, timeoutMs: TIMEOUTS.audio });
  }

  /** AT+CECM=<mode>. */
  async setEchoCanceller(setting: EchoCancellerSetting): Promise<void> {
    if (!('mode' in setting)) throw new InvalidArgumentError('SIMCom documents an echo canceller mode (AT+CECM=<mode>), not parameter pairs');
    checkInRange('AT+CECM mode', setting.mode, CECM_MODES);
    await this.at.execOk({ cmd: `AT+CECM=${setting.mode}`, timeoutMs: TIMEOUTS.audio });
  }
}
