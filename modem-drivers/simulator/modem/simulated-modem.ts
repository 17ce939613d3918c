/**
 * A simulated Quectel EC25 or SIMCom SIM7600: its AT port (an AtTransport the host opens like a tty), four
 * SIM holders behind the simulated SIM switch, and the faults a gateway has to survive (hang, stuck `> `
 * prompt, line noise, failing commands, spontaneous restarts, USB disappearance).
 *
 * The port: bytes the host writes are echoed (ATE1, the power-on default) and fed to the V.250 parser
 * one at a time; a complete command line runs through the command handlers, and its answer is written
 * after `timing.commandMs` (0: on the next turn of the event loop, never inside the host's write()).
 * While a line runs or a `> ` prompt waits, unsolicited result codes are held back and written after the
 * final result (the +CNMI <mode>=2 behaviour of TS 27.005 §3.4.1, applied to every URC).
 *
 * Restart (AT+CFUN=1,1, reset(), powerCycle()): the port closes, open() fails for `timing.bootMs`, then the
 * modem is back with its power-on settings; the boot URCs (EC25: RDY, +CPIN: READY, +QUSIM: 1,
 * +QIND: SMS DONE, +QIND: PB DONE; SIM7600: +CPIN: READY, SMS DONE, PB DONE) wait for the first open().
 *
 * SIM switch: selectSlot() is a hot swap (the EC25 and SIM7600 detect the card change): the old SIM is
 * detached (a call drops with NO CARRIER), `+CPIN: NOT READY` is printed, then the new card's +CPIN and
 * the vendor's SIM-initialised URCs, and the modem attaches with it. No restart is needed.
 *
 * Idle cost: no timers run unless a command is being answered with latency, a call is ringing, a +CMT
 * waits for +CNMA, a manual +COPS waits, or a restart / replug is pending.
 */
import type { AtTransport } from '../../../src/at/types.js';
import type { Logger } from '../../../src/util/log.js';
import { ZERO_TIMING, type Clock, type RadioNetwork, type SimCard, type Timing } from '../types.js';
import { AtParser, type AtCommand, type ParsedLine, type ParserEvent } from './at-parser.js';
import { basicCommands } from './commands-basic.js';
import { callCommands } from './commands-call.js';
import { callStatus, type CallStatus } from './core-calls.js';
import type { Handler } from './command-args.js';
import { networkCommands } from './commands-network.js';
import { simCommands } from './commands-sim.js';
import { smsCommands } from './commands-sms.js';
import { dialectProfile, type Dialect } from './dialect.js';
import { ModemCore, SLOT_IDS, type CoreHost, type PinState, type SlotId } from './modem-core.js';
import { simRuntime } from './sim-runtime.js';
import { SimPort } from './sim-port.js';
import { frameFinal, frameInfo, type ConnectHandler, type Final, type FrameOptions, type Outcome, type PromptHandler } from './outcome.js';
import { dataCommands } from './commands-data.js';
import { SecondaryAtPort } from './secondary-port.js';
import { audioPortCommands } from './commands-audio-port.js';
import { audioTuningCommands } from './commands-audio-tuning.js';
import { modemAudioHost, SimAudioPort, type AudioPortStats } from './audio-port.js';

export type { Dialect } from './dialect.js';
export type { SlotId, PinState } from './modem-core.js';

export interface SimulatedModemOptions {
  id: number;
  dialect: Dialect;
  imei: string;
  /** SIM holders A..D (null = empty); shorter lists leave the rest empty. */
  sims: (SimCard | null)[];
  /** Holder in use at power-on; A by default. */
  slot?: SlotId;
  network: RadioNetwork;
  clock: Clock;
  timing?: Partial<Timing>;
  /** What open() errors name and status() reports; `/dev/ttySIM<id>` by default. */
  devicePath?: string;
  /**
   * The firmware's dual-SIM command name instead of the dialect's (EC25 `+QDSIM`, SIM7600 none), e.g.
   * `+XDSIM` for a firmware described by a configured command set; null: none. See setDualSimCommand().
   */
  dualSimCommand?: string | null;
  /** The PCM port's frame length, instead of the dialect's 20 ms (some SIM7600 firmware: 40 ms). */
  pcmFrameMs?: 20 | 40;
  log?: Logger;
}

export interface SimStatus {
  slot: SlotId;
  iccid: string;
  imsi: string;
  number: string | null;
  pinState: PinState;
}

export interface ModemStatus {
  id: number;
  dialect: Dialect;
  imei: string;
  devicePath: string;
  /** False while restarting or unplugged (open() fails). */
  present: boolean;
  /** The port is opened by a host. */
  open: boolean;
  hung: boolean;
  slot: SlotId;
  sims: SimStatus[];
  registration: { state: string; rat: string | null; plmn: string | null; operator: string | null; rssi: number };
  call: CallStatus | null;
  /** A second call that waited (call waiting, TS 27.007 §7.12), while `call` is up. */
  secondCall: CallStatus | null;
  echo: boolean;
  cscs: string;
  /** Messages in the current SIM's "SM" plus the modem's "ME" and "SR" memories. */
  storedSms: number;
  /** The PCM audio port's counters while a host holds it open, else null (audio-port.ts). */
  audio: AudioPortStats | null;
}

const HANDLERS: readonly Handler[] = [basicCommands, simCommands, networkCommands, smsCommands, callCommands, dataCommands, audioPortCommands, audioTuningCommands];

/** Garbage bytes: C0 controls and high-half bytes, never CR, LF, Ctrl-Z or ESC. */
const NOISE = [...Array.from({ length: 32 }, (_, i) => i).filter((b) => ![10, 13, 26, 27].includes(b)), ...Array.from({ length: 128 }, (_, i) => i + 128)];

export class SimulatedModem {
  readonly id: number;
  readonly dialect: Dialect;
  private devicePathNow: string;
  private readonly core: ModemCore;
  private readonly clock: Clock;
  private readonly sims: (SimCard | null)[];
  private slotNow: SlotId;
  private readonly timing: Timing;
  private readonly log: Logger | undefined;
  private readonly parser = new AtParser();
  private port: SimPort | null = null;
  /** The second AT port (the USB 'modem' interface), opened by a host that probes the modem on it. */
  private second: SecondaryAtPort | null = null;
  /** The PCM audio port (audio-port.ts), opened by a host for a call's audio. */
  private audio: SimAudioPort | null = null;
  private readonly pcmFrameMs: 20 | 40;
  private present = false;
  private closed = false;
  private hung = false;
  private busy = false;
  private epoch = 0;
  private input: Buffer[] = [];
  private inputPos = 0;
  private prompt: PromptHandler | 'stuck' | null = null;
  /** Data state after CONNECT (AT+QHTTPURL): who takes the bytes, and the input timer. */
  private dataMode: { handler: ConnectHandler; timer: { cancel(): void } } | null = null;
  private held: string[][] = [];
  private deferred: string[][] = [];
  private lastLine: ParsedLine | null = null;
  private readonly faults: { prefix: string; final: string; times: number }[] = [];
  private dualSim: string | null;

  constructor(opts: SimulatedModemOptions) {
    this.id = opts.id;
    this.dialect = opts.dialect;
    this.devicePathNow = opts.devicePath ?? `/dev/ttySIM${opts.id}`;
    this.timing = { ...ZERO_TIMING, ...opts.timing };
    this.log = opts.log;
    this.sims = SLOT_IDS.map((_, i) => opts.sims[i] ?? null);
    this.slotNow = opts.slot ?? 'A';
    const self = this;
    const host: CoreHost = {
      urc: (lines) => this.urc(lines),
      reboot: () => {
        // the OK of AT+CFUN=1,1 reaches the host before the port goes away
        if (this.port) this.port.whenFlushed(() => this.restart('modem restarting (AT+CFUN=1,1)'));
        else this.restart('modem restarting (AT+CFUN=1,1)');
      },
      selectSlot: (slot) => this.selectSlot(slot),
      get slot() {
        return self.slotNow;
      },
      get dualSimCommand() {
        return self.dualSim;
      },
    };
    const profile = dialectProfile(opts.dialect);
    this.dualSim = opts.dualSimCommand !== undefined ? normaliseCommandName(opts.dualSimCommand) : profile.dualSimCommand;
    this.core = new ModemCore(profile, opts.network, opts.clock, this.timing, opts.log, opts.imei, host);
    this.clock = opts.clock;
    this.pcmFrameMs = opts.pcmFrameMs ?? profile.pcm.frameMs;
    this.core.sim = this.sims[SLOT_IDS.indexOf(this.slotNow)] ?? null;
    this.boot();
  }

  get devicePath(): string {
    return this.devicePathNow;
  }

  /** The IMEI now in effect (AT+EGMR / AT+SIMEI change it). */
  get imei(): string {
    return this.core.imei;
  }

  // ------------------------------------------------------------------------------------------------------
  // The port

  /** Opens the AT port. Throws while the modem is absent, or while another host holds it open. */
  open(): AtTransport {
    if (this.closed || !this.present) throw new Error(`${this.devicePathNow}: no such device`);
    if (this.port) throw new Error(`${this.devicePathNow}: device or resource busy (already open)`);
    const port = new SimPort((p) => this.released(p));
    port.input = (b) => this.receive(port, b);
    this.port = port;
    this.epoch++; // an answer still being prepared for an earlier host is not written to this one
    this.parser.reset();
    this.prompt = null;
    this.clearDataMode();
    this.busy = false;
    const held = this.held.splice(0);
    for (const lines of held) port.send(frameInfo([lines], this.frameOptions()));
    return port;
  }

  /**
   * Opens the second AT port (secondary-port.ts): it answers `AT` while the main port waits for the
   * network, and nothing while the modem is hung. Throws while the modem is absent or the port is held.
   */
  openSecondary(): AtTransport {
    const path = `${this.devicePathNow}.2`;
    if (this.closed || !this.present) throw new Error(`${path}: no such device`);
    if (this.second) throw new Error(`${path}: device or resource busy (already open)`);
    const self = this;
    const port = new SimPort((p) => {
      if (this.second?.port === p) this.second = null;
    });
    this.second = new SecondaryAtPort(port, {
      get hung() {
        return self.hung;
      },
      identity: () => this.core.profile.ati(this.core.imei),
    });
    return port;
  }

  /** Where the PCM audio port is: `<devicePath>.pcm`. */
  get audioPath(): string {
    return `${this.devicePathNow}.pcm`;
  }

  /** Opens the PCM audio port (audio-port.ts). Throws while the modem is absent or the port is held. */
  openAudio(): AtTransport {
    const path = this.audioPath;
    if (this.closed || !this.present) throw new Error(`${path}: no such device`);
    if (this.audio) throw new Error(`${path}: device or resource busy (already open)`);
    const self = this;
    const audio = new SimAudioPort(
      (p) => {
        if (this.audio?.port === p) this.audio = null;
      },
      modemAudioHost(this.core, this.pcmFrameMs, () => self.hung),
      this.clock,
    );
    this.audio = audio;
    return audio.port;
  }

  /** Frames and bytes the audio port carried since it was opened (null while it is not open). */
  audioStats(): AudioPortStats | null {
    return this.audio?.stats() ?? null;
  }

  private released(p: SimPort): void {
    if (this.port !== p) return;
    this.port = null;
    this.input = [];
    this.inputPos = 0;
    this.deferred = [];
  }

  private frameOptions(): FrameOptions {
    return { verbose: this.core.s.verbose, quiet: this.core.s.quiet, cmee: this.core.s.cmee };
  }

  private send(s: string): void {
    if (this.hung || !this.port) return;
    this.port.send(s);
  }

  /** An unsolicited result: now, after the running command, or lost when nobody has the port open. */
  private urc(lines: string[]): void {
    this.audio?.poke(); // a call changed: the audio port may have a call to carry
    if (!this.present || this.closed || !this.port || this.hung) return;
    if (this.busy || this.parser.inPrompt || this.parser.inData) {
      this.deferred.push(lines);
      return;
    }
    this.send(frameInfo([lines], this.frameOptions()));
  }

  private flushDeferred(): void {
    const d = this.deferred.splice(0);
    for (const lines of d) this.send(frameInfo([lines], this.frameOptions()));
  }

  private receive(port: SimPort, b: Buffer): void {
    if (port !== this.port || this.hung || b.length === 0) return;
    this.input.push(b);
    this.pump();
  }

  private pump(): void {
    let echo = '';
    while (!this.busy && this.port && !this.hung && this.input.length > 0) {
      const chunk = this.input[0]!;
      const byte = chunk[this.inputPos++]!;
      if (this.inputPos >= chunk.length) {
        this.input.shift();
        this.inputPos = 0;
      }
      // Data after CONNECT is not echoed.
      if (this.core.s.echo && !this.parser.inData) echo += String.fromCharCode(byte);
      const ev = this.parser.push(byte);
      if (ev) {
        if (echo) this.send(echo);
        echo = '';
        this.handle(ev);
      }
    }
    if (echo) this.send(echo);
  }

  private handle(ev: ParserEvent): void {
    switch (ev.kind) {
      case 'line':
        this.lastLine = ev.parsed;
        this.runLine(ev.parsed);
        return;
      case 'repeat':
        if (this.lastLine) this.runLine(this.lastLine);
        else this.runSteps([() => ({ final: { kind: 'ERROR' } })], true);
        return;
      case 'overflow':
        this.runSteps([() => ({ final: { kind: 'ERROR' } })], true);
        return;
      case 'ignored':
        return;
      case 'connect-data': {
        const d = this.dataMode;
        this.clearDataMode();
        if (!d) return;
        const text = ev.data;
        this.runSteps([() => d.handler.data(text)], true);
        return;
      }
      case 'prompt-data':
      case 'prompt-cancel': {
        const h = this.prompt;
        this.prompt = null;
        if (h === null || h === 'stuck') {
          // A prompt no command opened (stuckPrompt()): ESC frees it with OK, data is not a valid PDU.
          this.runSteps([() => (ev.kind === 'prompt-cancel' ? {} : { final: { kind: 'CMS', code: 304 } })], true);
          return;
        }
        const text = ev.data;
        this.runSteps([() => (ev.kind === 'prompt-cancel' ? h.cancel() : h.data(text))], true);
        return;
      }
    }
  }

  private runLine(parsed: ParsedLine): void {
    const steps = parsed.commands.map((c) => () => this.execute(c));
    this.runSteps(steps, parsed.ok);
  }

  /** failCommand rules first, then the handlers in order; unknown commands answer ERROR. */
  private execute(c: AtCommand): Outcome | Promise<Outcome> {
    const text = c.text.toUpperCase();
    const rule = this.faults.find((f) => text.startsWith(f.prefix));
    if (rule) {
      if (--rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
      return { final: { kind: 'RAW', text: rule.final } };
    }
    for (const h of HANDLERS) {
      const r = h(this.core, c);
      if (r !== undefined) return r;
    }
    return { final: { kind: 'ERROR' } };
  }

  private runSteps(steps: (() => Outcome | Promise<Outcome>)[], syntaxOk: boolean): void {
    this.busy = true;
    const epoch = this.epoch;
    this.runStepsAsync(steps, syntaxOk, epoch).catch((err: unknown) => {
      this.log?.error({ err, modem: this.id }, 'simulated modem: command failed');
      if (epoch !== this.epoch) return;
      this.send(frameFinal({ kind: 'ERROR' }, this.frameOptions()));
      this.finishLine([]);
    });
  }

  private async runStepsAsync(steps: (() => Outcome | Promise<Outcome>)[], syntaxOk: boolean, epoch: number): Promise<void> {
    let out = '';
    let final: Final = { kind: 'OK' };
    let prompt: PromptHandler | undefined;
    let connect: ConnectHandler | undefined;
    const after: (() => void)[] = [];
    for (const step of steps) {
      let r = step();
      if (r instanceof Promise) {
        r = await r;
        if (epoch !== this.epoch) return;
      }
      out += frameInfo(r.info, this.frameOptions());
      if (r.after) after.push(r.after);
      if (r.prompt) {
        prompt = r.prompt;
        break;
      }
      if (r.connect) {
        connect = r.connect;
        break;
      }
      if (r.final && r.final.kind !== 'OK') {
        final = r.final;
        break;
      }
    }
    if (!syntaxOk && final.kind === 'OK' && !prompt && !connect) final = { kind: 'ERROR' };
    if (this.timing.commandMs > 0) {
      await new Promise<void>((resolve) => this.core.timer(resolve, this.timing.commandMs));
      if (epoch !== this.epoch) return;
    }
    if (prompt) {
      // TS 27.005 §3.5.1: <CR><LF><greater_than><space>, then the PDU up to Ctrl-Z.
      this.send(out + '\r\n> ');
      this.parser.enterPrompt();
      this.prompt = prompt;
      this.finishLine(after);
      return;
    }
    if (connect) {
      // Intermediate CONNECT (V.250 §5.7.1 result code 1), then exactly <length> bytes of data.
      this.send(out + frameFinal({ kind: 'RAW', text: 'CONNECT' }, this.frameOptions()));
      this.parser.enterData(connect.length);
      const handler = connect;
      const timer = this.core.timer(() => {
        if (this.dataMode?.handler !== handler) return;
        this.clearDataMode();
        this.parser.reset();
        this.runSteps([() => handler.timeout()], true);
      }, connect.timeoutMs);
      this.dataMode = { handler, timer };
      this.finishLine(after);
      return;
    }
    this.send(out + frameFinal(final, this.frameOptions()));
    this.finishLine(after);
  }

  private finishLine(after: (() => void)[]): void {
    this.busy = false;
    this.audio?.poke(); // the line may have turned PCM or NMEA on, or started a call
    this.parser.s3 = this.core.s.sregs.get(3) ?? 13;
    this.parser.s5 = this.core.s.sregs.get(5) ?? 8;
    for (const f of after) {
      try {
        f();
      } catch (err) {
        this.log?.error({ err, modem: this.id }, 'simulated modem: post-command action failed');
      }
    }
    if (!this.parser.inPrompt && !this.parser.inData) this.flushDeferred();
    this.pump();
  }

  private clearDataMode(): void {
    this.dataMode?.timer.cancel();
    this.dataMode = null;
  }

  // ------------------------------------------------------------------------------------------------------
  // Power

  private boot(): void {
    this.epoch++;
    this.present = true;
    this.hung = false;
    this.parser.reset();
    this.prompt = null;
    this.clearDataMode();
    this.busy = false;
    this.core.sim = this.sims[SLOT_IDS.indexOf(this.slotNow)] ?? null;
    this.core.powerOn();
    this.held = this.core.bootUrcs().map((l) => [l]);
  }

  /** The modem leaves (restart or USB loss): the port closes, the network loses the UE. */
  private goAbsent(reason: string): void {
    this.epoch++;
    this.present = false;
    this.busy = false;
    this.prompt = null;
    this.clearDataMode();
    this.parser.reset();
    this.input = [];
    this.inputPos = 0;
    this.deferred = [];
    this.held = [];
    this.core.powerOff();
    const p = this.port;
    this.port = null;
    p?.gone(new Error(reason));
    const second = this.second;
    this.second = null;
    second?.port.gone(new Error(reason));
    const audio = this.audio;
    this.audio = null;
    audio?.gone(new Error(reason));
  }

  private restart(reason: string): void {
    if (this.closed) return;
    this.goAbsent(reason);
    this.core.timer(() => this.boot(), this.timing.bootMs);
  }

  // ------------------------------------------------------------------------------------------------------
  // SIM holders (what the simulated SIM switch drives)

  /** Switches the active holder: a hot swap (see the file comment). */
  selectSlot(slot: SlotId): void {
    if (!SLOT_IDS.includes(slot)) throw new Error(`SIM slot must be one of ${SLOT_IDS.join(', ')}, got ${String(slot)}`);
    this.slotNow = slot;
    if (this.present) this.core.setSim(this.sims[SLOT_IDS.indexOf(slot)] ?? null);
    else this.core.sim = this.sims[SLOT_IDS.indexOf(slot)] ?? null;
  }

  insertSim(slot: SlotId, sim: SimCard): void {
    const i = SLOT_IDS.indexOf(slot);
    if (i < 0) throw new Error(`SIM slot must be one of ${SLOT_IDS.join(', ')}, got ${String(slot)}`);
    this.sims[i] = sim;
    if (slot === this.slotNow) this.selectSlot(slot);
    this.cardDetect(slot, sim);
  }

  removeSim(slot: SlotId): void {
    const i = SLOT_IDS.indexOf(slot);
    if (i < 0) throw new Error(`SIM slot must be one of ${SLOT_IDS.join(', ')}, got ${String(slot)}`);
    this.sims[i] = null;
    if (slot === this.slotNow) this.selectSlot(slot);
    this.cardDetect(slot, null);
  }

  private readonly cardListeners = new Set<(slot: SlotId, sim: SimCard | null) => void>();

  /**
   * Card-detect of the SIM holders (what a multiplexer board's detect pins report): called when a card
   * is inserted or removed in any slot, bound or not.
   */
  onCardChange(listener: (slot: SlotId, sim: SimCard | null) => void): () => void {
    this.cardListeners.add(listener);
    return () => this.cardListeners.delete(listener);
  }

  private cardDetect(slot: SlotId, sim: SimCard | null): void {
    for (const l of this.cardListeners) {
      try {
        l(slot, sim);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  /**
   * Gives the firmware a dual-SIM command of another name (null: none), for tests of a configured command
   * set. It behaves as the EC25's AT+QDSIM: `=0` selects holder A, `=1` holder B, the read form answers
   * `<name>: <n>`.
   */
  setDualSimCommand(name: string | null): void {
    this.dualSim = normaliseCommandName(name);
  }

  slots(): { slot: SlotId; sim: SimCard | null; active: boolean }[] {
    return SLOT_IDS.map((slot, i) => ({ slot, sim: this.sims[i] ?? null, active: slot === this.slotNow }));
  }

  get slot(): SlotId {
    return this.slotNow;
  }

  // ------------------------------------------------------------------------------------------------------
  // Faults

  /**
   * The firmware stops answering anything (ESC included) on either port; input is swallowed and URCs are
   * lost. Off: it answers again. A restart (reset(), powerCycle(), unplug()) also ends the hang, so a
   * modem that is off (restarting, unplugged) cannot hang: false then, and nothing changes.
   */
  setHung(on: boolean): boolean {
    if (on && (this.closed || !this.present)) return false;
    this.hung = on;
    this.input = [];
    this.inputPos = 0;
    this.deferred = [];
    this.port?.drop();
    this.second?.drop();
    this.audio?.drop();
    this.audio?.poke();
    if (!on) {
      this.parser.reset();
      this.prompt = null;
      this.clearDataMode();
    }
    return true;
  }

  /**
   * The modem shows `> ` on its own and waits for PDU input until ESC or Ctrl-Z. False (nothing happens)
   * when no host has the port open or the modem is hung: nobody would see the prompt.
   */
  stuckPrompt(): boolean {
    if (!this.port || this.hung) return false;
    this.parser.enterPrompt();
    this.prompt = 'stuck';
    this.send('\r\n> ');
    return true;
  }

  /** Writes line noise now: the given bytes, or 16 random non-printable ones. False (nothing written) when no host has the port open or the modem is hung. */
  injectGarbage(bytes?: Uint8Array | readonly number[]): boolean {
    if (!this.port || this.hung) return false;
    const b = bytes ? Array.from(bytes) : Array.from({ length: 16 }, () => NOISE[Math.floor(Math.random() * NOISE.length)]!);
    this.send(String.fromCharCode(...b.map((x) => x & 0xff)));
    return true;
  }

  /** The next `times` commands whose text starts with `prefix` (e.g. `AT+CSQ` or `+CSQ`) end with `final`. */
  failCommand(prefix: string, final = '+CME ERROR: 100', times = 1): void {
    const p = prefix.toUpperCase().replace(/^AT/, '');
    if (times > 0) this.faults.push({ prefix: p, final, times });
  }

  /**
   * The modem receives this TPDU (hex, without the SMSC field) as if the network had delivered it, without
   * any check that it decodes: for messages a decoder cannot read (truncated, reserved values). Stored
   * and announced with +CMTI (or routed with +CMT) as +CNMI says. False when not hex or no ready SIM.
   */
  receiveRawSms(tpduHex: string, smsc?: string): boolean {
    const hex = tpduHex.replace(/\s+/g, '');
    if (!/^([0-9A-Fa-f]{2})+$/.test(hex) || this.closed || !this.present) return false;
    return this.core.smsIn.receiveSms(Uint8Array.from(Buffer.from(hex, 'hex')), smsc ?? null);
  }

  /** A spontaneous restart: the port closes, the modem is back after bootMs with its boot URCs. */
  reset(): void {
    this.restart('modem reset');
  }

  /** USB disappearance: the port closes, open() fails for `ms`, then the modem is back (under a new path). */
  unplug(ms: number, newDevicePath?: string): void {
    if (this.closed) return;
    this.goAbsent('USB device disconnected');
    this.core.timer(() => {
      if (newDevicePath) this.devicePathNow = newDevicePath;
      this.boot();
    }, Math.max(0, ms));
  }

  /** Power removed and restored: like reset(), the SIM's PIN has to be entered again. */
  powerCycle(): void {
    this.restart('power cycle');
  }

  // ------------------------------------------------------------------------------------------------------
  // Introspection and shutdown

  status(): ModemStatus {
    const c = this.core;
    const call = c.calls.call;
    const op = c.attachment?.operator ?? null;
    const stored = c.me.used + c.sr.used + (c.simRt?.sm.used ?? 0);
    return {
      id: this.id,
      dialect: this.dialect,
      imei: c.imei,
      devicePath: this.devicePathNow,
      present: this.present,
      open: this.port !== null,
      hung: this.hung,
      slot: this.slotNow,
      sims: SLOT_IDS.flatMap((slot, i) => {
        const sim = this.sims[i];
        if (!sim) return [];
        const rt = simRuntime(sim, c.profile.capacity.SM);
        const pinState: PinState =
          slot === this.slotNow && this.present ? c.pinState() : rt.dead ? 'SIM FAILURE' : rt.pinBlocked ? 'SIM PUK' : rt.pin === null ? 'READY' : 'SIM PIN';
        return [{ slot, iccid: sim.iccid, imsi: sim.imsi, number: sim.number, pinState }];
      }),
      registration: { state: c.attachment ? c.regState : 'not-registered', rat: c.rat, plmn: op?.plmn ?? null, operator: op?.longName ?? null, rssi: c.attachment ? c.rssi : 99 },
      call: call ? callStatus(call) : null,
      secondCall: c.calls.second ? callStatus(c.calls.second) : null,
      echo: c.s.echo,
      cscs: c.s.cscs,
      storedSms: stored,
      audio: this.audioStats(),
    };
  }

  /** Timers the modem holds now (0 when idle). */
  get pendingTimers(): number {
    return this.core.pendingTimers;
  }

  /** Releases the network attachment and every timer; open() fails from now on. */
  close(): void {
    if (this.closed) return;
    this.goAbsent('modem closed');
    this.closed = true;
    this.core.cancelTimers();
  }
}

/** `+xdsim`, `AT+XDSIM` → `+XDSIM` (the parser's form of an extended command name). */
function normaliseCommandName(name: string | null): string | null {
  if (name === null) return null;
  const n = name.trim().toUpperCase().replace(/^AT/, '');
  if (!/^\+[A-Z0-9]+$/.test(n)) throw new Error(`a dual-SIM command name such as "+XDSIM" is expected, got ${JSON.stringify(name)}`);
  return n;
}

