/**
 * A call's PCM path to the modem (ModemAudioEnd of audio-contract.ts) over the modem's audio port.
 *
 * Read side: bytes → NMEA sentences cut out → whole port frames (pcm-framer.ts) → 8 kHz (resampler.ts)
 * → 20 ms frames (reframer.ts) → onFrame listeners, at once. A token bucket refilled by the writer
 * clock (one frame per tick, at most READ_CREDIT banked) bounds what is handed on to real time: a burst
 * after a USB stall is old audio, and forwarding all of it would only add delay downstream, so frames
 * beyond the credit are dropped and counted as overruns.
 *
 * Write side: the drift-corrected writer clock (writer-clock.ts) pulls a 20 ms frame from the source on
 * every tick (silence and an underrun when there is none), converts it to the port's rate and frame length,
 * and writes whole port frames only.
 *
 * Dead port: no byte for `deadAfterMs` while running (a modem streams PCM continuously during a call,
 * silence included; an end opened early for the network's ringback waits for the first byte or the
 * answer before it counts), or the port closing under us, closes and reopens it, up to `maxReopens` times in a
 * row without data in between; then onDead. close() stops the clock and closes the port; a close during
 * an open or a reopen closes what that open returns.
 */
import type { AtTransport } from '../../at/types.js';
import type { AudioPortOpener } from '../../line/port-provider.js';
import { FRAME_MS, FRAME_SAMPLES, type ModemAudioEnd, type ModemAudioStats } from '../audio-contract.js';
import { audioEndTransition, type AudioEndState } from './audio-end-state.js';
import { bytesToSamples, frameBytes, frameSamples, samplesToBytes, type PortPcmFormat } from './pcm-format.js';
import { PcmFramer } from './pcm-framer.js';
import { Reframer } from './reframer.js';
import { Downsampler, Upsampler } from './resampler.js';
import { WriterClock, type TickClock, systemTickClock } from './writer-clock.js';

/** Frames the read side may hand on ahead of the clock (see above). */
const READ_CREDIT = 5;

export interface ModemAudioEndOptions {
  opener: AudioPortOpener;
  format: PortPcmFormat;
  /** No byte for this long while running: the port is dead. Default 1000 ms. */
  deadAfterMs?: number;
  /**
   * Opened before the answer (early media): a modem may not stream until the call is connected, so
   * silence is not a dead port until the first byte arrives or armDeadWatch() is called. Default false.
   */
  early?: boolean;
  /** Reopens in a row without data before giving up. Default 3. */
  maxReopens?: number;
  clock?: TickClock;
  /** Told of recoveries and of the end (the end never throws to its caller). */
  log?: { warn(obj: object, msg: string): void };
}

export class PortModemAudioEnd implements ModemAudioEnd {
  private state: AudioEndState = 'opening';
  private transport: AtTransport | null = null;
  private readonly clock: TickClock;
  private readonly writer: WriterClock;
  private readonly framer: PcmFramer;
  private readonly toCall = new Reframer(FRAME_SAMPLES);
  private readonly toPort: Reframer;
  private readonly down: Downsampler | null;
  private readonly up: Upsampler | null;
  private readonly silence = new Int16Array(FRAME_SAMPLES);
  private readonly frameListeners: ((f: Int16Array) => void)[] = [];
  private readonly deadListeners: ((reason: string) => void)[] = [];
  private source: (() => Int16Array | null) | null = null;
  private readonly s: Omit<ModemAudioStats, 'skippedTicks'> = { framesIn: 0, framesOut: 0, underruns: 0, overruns: 0, recoveries: 0 };
  private credit = READ_CREDIT;
  private lastByteAt = 0;
  private reopensInARow = 0;
  private deadWatch: boolean;
  private readonly deadAfterMs: number;
  private readonly maxReopens: number;

  private constructor(private readonly o: ModemAudioEndOptions) {
    this.clock = o.clock ?? systemTickClock;
    this.deadAfterMs = o.deadAfterMs ?? 1000;
    this.maxReopens = o.maxReopens ?? 3;
    this.deadWatch = o.early !== true;
    this.framer = new PcmFramer(frameBytes(o.format));
    this.toPort = new Reframer(frameSamples(o.format));
    this.down = o.format.sampleRate === 16000 ? new Downsampler() : null;
    this.up = o.format.sampleRate === 16000 ? new Upsampler() : null;
    this.writer = new WriterClock({ periodMs: FRAME_MS, clock: this.clock, align: true, onTick: () => this.tick() });
  }

  /** Opens the port and starts the clock; rejects when the port cannot be opened at all. */
  static async open(o: ModemAudioEndOptions): Promise<PortModemAudioEnd> {
    const end = new PortModemAudioEnd(o);
    end.attach(await o.opener.open());
    end.state = audioEndTransition(end.state, 'running');
    end.lastByteAt = end.clock.now();
    end.writer.begin();
    return end;
  }

  onFrame(listener: (frame: Int16Array) => void): void {
    this.frameListeners.push(listener);
  }

  setSource(source: (() => Int16Array | null) | null): void {
    this.source = source;
  }

  onDead(listener: (reason: string) => void): void {
    this.deadListeners.push(listener);
  }

  stats(): ModemAudioStats {
    return { ...this.s, skippedTicks: this.writer.skipped };
  }

  /** The call is connected: from now on a silent port is a dead one (see `early`). */
  armDeadWatch(): void {
    if (this.deadWatch) return;
    this.deadWatch = true;
    this.lastByteAt = this.clock.now();
  }

  get currentState(): AudioEndState {
    return this.state;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = audioEndTransition(this.state, 'closed');
    this.writer.stop();
    const t = this.transport;
    this.transport = null;
    await t?.close().catch(() => {});
  }

  // ---------------------------------------------------------------- port

  private attach(t: AtTransport): void {
    this.transport = t;
    this.framer.reset();
    this.toCall.reset();
    t.onData((chunk) => {
      if (this.transport !== t) return;
      this.read(chunk);
    });
    t.onClose(() => {
      if (this.transport === t && this.state === 'running') void this.recover('the audio port closed');
    });
  }

  private read(chunk: Buffer): void {
    this.deadWatch = true;
    this.lastByteAt = this.clock.now();
    this.reopensInARow = 0;
    for (const bytes of this.framer.push(chunk)) {
      let samples = bytesToSamples(bytes);
      if (this.down) samples = this.down.process(samples);
      for (const frame of this.toCall.push(samples)) this.deliver(frame);
    }
  }

  private deliver(frame: Int16Array): void {
    if (this.credit <= 0) {
      this.s.overruns++;
      return;
    }
    this.credit--;
    this.s.framesIn++;
    for (const l of this.frameListeners) {
      try {
        l(frame);
      } catch (e) {
        this.o.log?.warn({ err: (e as Error).message }, 'modem audio frame listener threw');
      }
    }
  }

  // ---------------------------------------------------------------- clock

  private tick(): void {
    this.credit = Math.min(READ_CREDIT, this.credit + 1);
    let frame: Int16Array | null = null;
    try {
      frame = this.source?.() ?? null;
    } catch (e) {
      this.o.log?.warn({ err: (e as Error).message }, 'modem audio source threw');
    }
    if (!frame || frame.length !== FRAME_SAMPLES) {
      this.s.underruns++;
      frame = this.silence;
    }
    if (this.state !== 'running') return;
    if (this.deadWatch && this.clock.now() - this.lastByteAt >= this.deadAfterMs) {
      void this.recover(`no audio from the modem for ${this.deadAfterMs} ms`);
      return;
    }
    const samples = this.up ? this.up.process(frame) : frame;
    for (const out of this.toPort.push(samples)) {
      this.transport?.write(samplesToBytes(out));
      this.s.framesOut++;
    }
  }

  /** Closes the port and opens it again, up to maxReopens times in a row; then the end is dead. */
  private async recover(why: string): Promise<void> {
    if (this.state !== 'running') return;
    this.state = audioEndTransition(this.state, 'recovering');
    const old = this.transport;
    this.transport = null;
    await old?.close().catch(() => {});
    if (this.reopensInARow >= this.maxReopens) return this.die(`${why}; reopened ${this.maxReopens} times without audio`);
    this.reopensInARow++;
    this.o.log?.warn({ port: this.o.opener.path, why, attempt: this.reopensInARow }, 'modem audio port reopened');
    let t: AtTransport;
    try {
      t = await this.o.opener.open();
    } catch (e) {
      return this.die(`${why}; reopening failed: ${(e as Error).message}`);
    }
    if (this.state !== 'recovering') {
      await t.close().catch(() => {});
      return;
    }
    this.attach(t);
    this.s.recoveries++;
    this.lastByteAt = this.clock.now();
    this.state = audioEndTransition(this.state, 'running');
  }

  private die(reason: string): void {
    if (this.state === 'closed' || this.state === 'dead') return;
    this.state = audioEndTransition(this.state, 'dead');
    this.writer.stop();
    this.o.log?.warn({ port: this.o.opener.path, reason }, 'modem audio port dead');
    for (const l of this.deadListeners) {
      try {
        l(reason);
      } catch {
        // a listener's failure changes nothing here
      }
    }
  }
}

/** Opens a ModemAudioEnd on `o.opener`'s port. */
export function openModemAudioEnd(o: ModemAudioEndOptions): Promise<PortModemAudioEnd> {
  return PortModemAudioEnd.open(o);
}
