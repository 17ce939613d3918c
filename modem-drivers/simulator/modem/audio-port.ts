/**
 * The simulated modem's PCM audio port: the EC25's USB NMEA interface after AT+QPCMV=1,0, the SIM7600's
 * audio interface after AT+CPCMREG=1 (docs/modems.md). Raw bytes, signed 16-bit little-endian mono
 * (pcm-format.ts), no framing on the wire.
 *
 * While PCM is on and a call is active (not held): the host's bytes are cut into port frames (alignment
 * kept across any chunking) and sent into the call at once; on the modem's own clock, one port frame
 * every 20 ms (or 40 ms) is written to the host: what the network delivered since, or silence, as a
 * modem writes continuously. While an outgoing call alerts the port already writes what the network
 * plays (its in-band ringback: early media) but the host's bytes go nowhere yet. Otherwise host bytes
 * are discarded and no audio is written. On the EC25,
 * while AT+QGPSCFG="outport" is "usbnmea" (the power-on value), the port also carries a burst of NMEA
 * sentences once a second (nmea.ts), PCM or not.
 *
 * The tick runs only while a host holds the port open and there is something to write (NMEA, or a call
 * with PCM on); otherwise the port holds no timer until the modem pokes it (after each command line and
 * each unsolicited result), so an idle port held by a pty bridge costs nothing. A hung modem writes nothing and swallows input;
 * a restart or USB loss closes the port as it closes the AT ports.
 */
import type { CallLeg, Clock } from '../types.js';
import { nmeaBurst } from './nmea.js';
import { fromPortBytes, networkFramesPerPortFrame, PortFramer, portFrameBytes, toPortBytes, type PcmFormat } from './pcm-format.js';
import { SimPort } from './sim-port.js';
import { SILENCE_FRAME } from '../network/tone.js';
import type { ModemCore } from './modem-core.js';

export interface AudioPortHost {
  readonly hung: boolean;
  /**
   * The call the port follows: PCM on and a call not held (its audio flows once it is active, and the
   * port listens from before, so the first frame after the answer is not lost); null otherwise.
   */
  pcmCall(): CallLeg | null;
  /** The format now in effect (AT+CPCMFRM, the firmware's frame length). */
  format(): PcmFormat;
  /** GNSS output on this interface (EC25 AT+QGPSCFG="outport","usbnmea"). */
  nmeaOut(): boolean;
}

export interface AudioPortStats {
  /** Port frames the host wrote while the port carried a call (sent into the call). */
  framesIn: number;
  /** Port frames written to the host (audio or silence). */
  framesOut: number;
  /** Of framesOut, those with nothing from the network (silence written). */
  silentFramesOut: number;
  /** Network frames dropped because more arrived than the port could write (queue over its cap). */
  framesDropped: number;
  /** Host bytes discarded: no call carried, or the modem hung. */
  bytesDiscarded: number;
  /** NMEA bursts written. */
  nmeaBursts: number;
}

/** At most this many network frames (100 ms) wait for the port's clock; older ones are dropped. */
const QUEUE_CAP = 5;
const NMEA_PERIOD_MS = 1000;

export class SimAudioPort {
  readonly port: SimPort;
  private readonly counters: AudioPortStats = { framesIn: 0, framesOut: 0, silentFramesOut: 0, framesDropped: 0, bytesDiscarded: 0, nmeaBursts: 0 };
  private framer: PortFramer | null = null;
  private framerFormat: PcmFormat | null = null;
  private leg: CallLeg | null = null;
  /** The followed call's state at the last tick that wrote. */
  private lastState: CallLeg['state'] | null = null;
  private unsubscribe: (() => void) | null = null;
  private queue: Int16Array[] = [];
  private timer: { cancel(): void } | null = null;
  private start = 0;
  private ticks = 0;
  private period = 20;
  private lastNmea = -Infinity;

  constructor(
    released: (p: SimPort) => void,
    private readonly host: AudioPortHost,
    private readonly clock: Clock,
  ) {
    this.port = new SimPort((p) => {
      this.stop();
      released(p);
    });
    this.port.input = (b) => this.receive(b);
    this.restartClock();
  }

  stats(): AudioPortStats {
    return { ...this.counters };
  }

  /** The modem went away (restart, unplug, close): the host sees the port close. */
  gone(err: Error): void {
    this.stop();
    this.port.gone(err);
  }

  /** Something the port depends on may have changed (a command ran, a call changed): tick again if idle. */
  poke(): void {
    if (!this.timer && !this.port.closed) this.restartClock();
  }

  /** The modem hung: what it was about to write is lost. */
  drop(): void {
    this.port.drop();
    this.queue = [];
  }

  private stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.follow(null);
  }

  private restartClock(): void {
    this.timer?.cancel();
    this.period = this.host.format().frameMs;
    this.start = this.clock.now();
    this.ticks = 0;
    this.schedule();
  }

  private schedule(): void {
    // Against the start time, so the frame rate does not drift however late a timer runs.
    this.ticks++;
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, this.start + this.ticks * this.period - this.clock.now()));
  }

  private tick(): void {
    this.timer = null;
    if (this.port.closed) return;
    const nmea = this.host.nmeaOut();
    const leg = this.host.pcmCall();
    this.follow(leg);
    if (!nmea && !leg) return; // idle until poke()
    if (this.host.format().frameMs !== this.period) {
      this.restartClock();
      return;
    }
    this.schedule();
    if (this.host.hung) return;
    const now = this.clock.now();
    if (nmea && now - this.lastNmea >= NMEA_PERIOD_MS) {
      this.lastNmea = now;
      this.counters.nmeaBursts++;
      this.port.send(nmeaBurst(now));
    }
    if (!leg || (leg.state !== 'active' && leg.state !== 'alerting')) return;
    // At the answer the network's ringback stops and the call's speech takes the channel: what was
    // queued of the ringback goes, or it would stand in front of the speech for the whole call.
    if (leg.state === 'active' && this.lastState === 'alerting') this.queue = [];
    this.lastState = leg.state;
    const f = this.host.format();
    const frames: Int16Array[] = [];
    let silent = true;
    for (let i = 0; i < networkFramesPerPortFrame(f); i++) {
      const next = this.queue.shift();
      if (next) silent = false;
      frames.push(next ?? SILENCE_FRAME);
    }
    this.counters.framesOut++;
    if (silent) this.counters.silentFramesOut++;
    this.port.send(toPortBytes(frames, f).toString('latin1'));
  }

  /** Listens to the call the port carries now (none: stops listening, forgets queued audio). */
  private follow(leg: CallLeg | null): void {
    if (leg === this.leg) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.queue = [];
    this.leg = leg;
    this.lastState = null;
    if (!leg) return;
    this.unsubscribe = leg.onAudio((frame) => {
      if (this.queue.length >= QUEUE_CAP) {
        this.queue.shift();
        this.counters.framesDropped++;
      }
      this.queue.push(frame);
    });
  }

  private receive(b: Buffer): void {
    const leg = this.host.hung ? null : this.host.pcmCall();
    if (!leg || leg.state !== 'active') {
      this.counters.bytesDiscarded += b.length;
      this.framer?.reset(); // a new call starts on a sample boundary
      return;
    }
    this.follow(leg);
    const f = this.host.format();
    if (!this.framer || this.framerFormat?.sampleRate !== f.sampleRate || this.framerFormat.frameMs !== f.frameMs) {
      this.framer = new PortFramer(portFrameBytes(f));
      this.framerFormat = f;
    }
    for (const bytes of this.framer.push(b)) {
      this.counters.framesIn++;
      for (const frame of fromPortBytes(bytes, f)) leg.sendAudio(frame);
    }
  }
}

/** What a simulated modem's audio port reads of its core: the PCM commands' state and the call. */
export function modemAudioHost(core: ModemCore, frameMs: 20 | 40, hung: () => boolean): AudioPortHost {
  // One object per format in effect, so the port's framer follows a change (AT+CPCMFRM mid-call).
  let format: PcmFormat = { sampleRate: core.audioPort.sampleRate, frameMs };
  return {
    get hung() {
      return hung();
    },
    pcmCall() {
      const c = core.calls.call;
      if (!core.usbAudio.enabled || !c || c.state === 'ended' || c.held) return null;
      return c.leg;
    },
    format() {
      if (format.sampleRate !== core.audioPort.sampleRate) format = { sampleRate: core.audioPort.sampleRate, frameMs };
      return format;
    },
    nmeaOut: () => core.profile.pcm.gnssOnAudioPort && core.audioPort.gnssOutport === 'usbnmea',
  };
}
