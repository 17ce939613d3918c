/**
 * Quectel call audio over USB (EC2x/EG2x). Facts from Quectel's "Voice over USB and UAC" application note
 * and the EC2x AT commands manual, chapter 12 (audio commands):
 *  - AT+QPCMV=1,<port>: 0 streams 8 kHz 16-bit mono PCM on the USB NMEA interface, 2 uses the USB audio
 *    class card. Not kept across restarts; the PCM flows only while a call is up. So it is set once per
 *    bring-up (prepare), not per call: the bring-up runs again after every restart.
 *  - The NMEA interface carries GNSS sentences too, until AT+QGPSCFG="outport","none" (GNSS AT manual,
 *    "outport") sends them nowhere; prepare() does that first so text never shares the port with audio.
 *  - AT+QMIC=<txgain>[,<txdgain>] (§12.10), uplink codec and digital gain, each 0–65535, saved;
 *    AT+QRXGAIN=<rxgain> (§12.11), downlink digital gain 0–65535, not saved. Both are sent per call.
 *  - AT+QEEC=<index>,<value> (§12.8): echo canceller parameters, index 0–50, value 0–65535, not saved.
 *    The manual documents no plain on/off (AT+QAUDMOD=3 turns every audio process off and is saved, and
 *    re-enumerates USB on some firmware), so only parameter pairs are offered.
 */
import type { AudioCapability, AudioGains, EchoCancellerSetting, PcmFormat } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';
import { checkGains, checkInRange } from '../generic/audio-checks.js';
import { InvalidArgumentError } from '../generic/errors.js';

const TIMEOUTS = {
  /** AT+QPCMV sets up the PCM path; the audio commands answer within 300 ms (§12). */
  usbAudio: 5_000,
  audio: 2_000,
};

/** §12.10 / §12.11: both gains 0–65535. */
export const QUECTEL_GAIN_RANGES = { mic: [0, 65535], speaker: [0, 65535] } as const;
/** §12.8. */
const QEEC_INDEX: readonly [number, number] = [0, 50];
const QEEC_VALUE: readonly [number, number] = [0, 65535];

export class QuectelAudio implements AudioCapability {
  /** The application note's only format on the serial port: 8 kHz, 320-byte (20 ms) frames. */
  readonly format: PcmFormat = { sampleRate: 8000, frameMs: 20 };
  readonly gainRanges = QUECTEL_GAIN_RANGES;
  /**
   * With AT+QPCMV set, the port streams the voice channel whenever a call has one, which for an outgoing
   * call is from the network's traffic channel assignment: its in-band ringback arrives before the answer.
   */
  readonly earlyMedia = true;

  constructor(
    private readonly at: AtContext,
    /** <port> of AT+QPCMV=1,<port>: 0 PCM over the USB NMEA interface, 2 the USB audio class card. */
    private readonly port: 0 | 2,
  ) {}

  /** GNSS sentences off the NMEA port (port 0 only), then AT+QPCMV=1,<port>. */
  async prepare(): Promise<void> {
    if (this.port === 0) await this.at.execOk({ cmd: 'AT+QGPSCFG="outport","none"', timeoutMs: TIMEOUTS.audio });
    await this.at.execOk({ cmd: `AT+QPCMV=1,${this.port}`, timeoutMs: TIMEOUTS.usbAudio });
  }

  /** Nothing: with AT+QPCMV set the module streams PCM whenever a call is up. */
  async startCall(): Promise<void> {}

  /** Nothing: the stream stops with the call. */
  async stopCall(): Promise<void> {}

  /** AT+QMIC=<mic> (codec gain; the digital gain is left as it is) and AT+QRXGAIN=<speaker>. */
  async setGains(gains: AudioGains): Promise<void> {
    const g = checkGains(gains, this.gainRanges);
    if (g.mic !== undefined) await this.at.execOk({ cmd: `AT+QMIC=${g.mic}`, timeoutMs: TIMEOUTS.audio });
    if (g.speaker !== undefined) await this.at.execOk({ cmd: `AT+QRXGAIN=${g.speaker}`, timeoutMs: TIMEOUTS.audio });
  }

  /** AT+QEEC=<index>,<value> for each pair, in order; every pair is checked before the first is sent. */
  async setEchoCanceller(setting: EchoCancellerSetting): Promise<void> {
    if (!('params' in setting)) throw new InvalidArgumentError('Quectel documents echo canceller parameters (AT+QEEC=<index>,<value>), not a mode');
    for (const p of setting.params) {
      checkInRange('AT+QEEC index', p.index, QEEC_INDEX);
      checkInRange('AT+QEEC value', p.value, QEEC_VALUE);
    }
    for (const p of setting.params) await this.at.execOk({ cmd: `AT+QEEC=${p.index},${p.value}`, timeoutMs: TIMEOUTS.audio });
  }

  /** AT+QPCMV=0: voice back to the module's own audio path. */
  async disableUsbAudio(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+QPCMV=0', timeoutMs: TIMEOUTS.usbAudio });
  }
}
