/**
 * A Line is one modem plus its SIM slots. It brings the modem up (probe → enable → SIM ready →
 * registered, lifecycle.ts), keeps its status fresh (monitor.ts), follows its calls (call-leg.ts), binds
 * and changes SIM slots (slot-binding.ts), and recovers the modem by itself: a modem that stops answering
 * is declared unresponsive within `unresponsiveAfterMs` (≤ 10 s, watchdog.ts), power-cycled through the
 * port provider, reopened (found again by IMEI if it re-enumerated) and brought up again. Each line runs
 * on its own; nothing here touches another line.
 *
 * The line owns its AT channel. The features built on it (SMS, USSD, the data check) reach the modem
 * through capability(), which lends a capability only while the line is registered.
 */
import { EventEmitter } from 'node:events';
import type { CallHoldAction, Modem } from '../../modem-drivers/capabilities.js';
import type { Logger } from '../util/log.js';
import type { LineEvents, LineSmsEvent } from '../events.js';
import type { ModemAudioEnd } from '../media/audio-contract.js';
import { openCallAudio } from './call-audio.js';
import { CallLeg, type DialOptions } from './call-leg.js';
import { needsCallSetupPoll, pollCallSetup } from './call-setup-poll.js';
import { ConnectionLost } from './connection.js';
import { DataCheckSchedule, runDataCheck, type DataCheckResult } from './data-check.js';
import type { LineContext } from './line-context.js';
import { LineLoop } from './line-loop.js';
import { DEFAULT_TIMING, type LineOptions, type LineTiming } from './line-options.js';
import { LineStatusBoard, initialStatus } from './line-status.js';
import { SimReadiness } from './sim-readiness.js';
import { isPukCode, unlockSim, type SimUnlockCode, type SimUnlockResult } from './sim-unlock.js';
import { SlotBinding } from './slot-binding.js';
import { SecondCallLeg } from './second-call.js';
import type { LineStatus, SlotId } from './types.js';

export type { LineCallEvent, LineSmsEvent } from '../events.js';
export { DEFAULT_TIMING, type LineOptions, type LineTiming } from './line-options.js';
export type { DialOptions } from './call-leg.js';

/** What a line lends to the features built on it, while registered. */
export type LineCapabilities = Omit<Modem, 'family' | 'init' | 'onEvent' | 'dispose'>;
export type CapabilityName = keyof LineCapabilities;

export class Line extends EventEmitter<LineEvents> {
  readonly id: number;
  readonly name: string;
  private readonly log: Logger;
  private readonly timing: LineTiming;
  private readonly now: () => number;
  private readonly board: LineStatusBoard;
  private readonly loop: LineLoop;
  private readonly calls: CallLeg;
  private readonly second: SecondCallLeg;
  private readonly slots: SlotBinding;
  private readonly dataChecks: DataCheckSchedule;
  private enabled: boolean;
  private running = false;
  private loopDone: Promise<void> | null = null;
  /** Pending sleeps; woken by stop(), setEnabled() and a lost connection. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly opts: LineOptions) {
    super();
    this.id = opts.id;
    this.name = opts.name ?? `L${opts.id}`;
    this.log = opts.log.child({ line: this.id });
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.now = opts.now ?? Date.now;
    this.enabled = opts.enabled ?? true;
    const notify = this.notify.bind(this);
    const log = this.log;
    const now = this.now;
    this.board = new LineStatusBoard({ initial: initialStatus(this.id, this.name, this.enabled, opts.imei ?? null), log, now, switchGraceMs: this.timing.switchGraceMs, notify });
    const board = this.board;
    this.calls = new CallLeg({ lineId: this.id, board, now, notify });
    this.second = new SecondCallLeg({
      lineId: this.id,
      board,
      now,
      notify,
      first: this.calls,
      list: () => this.capability('voicecall').list(),
      warn: (detail, message) => log.warn(detail, message),
    });
    this.slots = new SlotBinding({ board, log, now, ...(opts.simSwitch ? { simSwitch: opts.simSwitch } : {}), ...(opts.chooseSlot ? { chooseSlot: opts.chooseSlot } : {}) });
    this.dataChecks = new DataCheckSchedule(opts.dataCheck, now);
    const ctx: LineContext = {
      id: this.id,
      opts,
      timing: this.timing,
      log,
      now,
      board,
      slots: this.slots,
      sim: new SimReadiness({ board, log, notify, now, giveUpMs: this.timing.simGiveUpMs, ...(opts.pins ? { pins: opts.pins } : {}) }),
      calls: this.calls,
      second: this.second,
      notify,
      attempts: { unanswered: 0, notPowerCycled: false },
      sleep: (ms) => this.sleep(ms),
      isRunning: () => this.running,
      checkDataWhenDue: () => {
        if (this.board.phase !== 'registered' || !this.dataChecks.due()) return;
        void this.checkData().catch((e: Error) => this.log.warn({ err: e.message }, 'data check not run'));
      },
    };
    this.loop = new LineLoop(ctx, { port: opts.port, isEnabled: () => this.enabled, wake: () => this.wakeAll() });
    this.setMaxListeners(50);
  }

  // ---------------------------------------------------------------- public surface

  status(): LineStatus {
    const now = this.now();
    const st = this.board.st;
    const end = this.calls.lastConnectedEnd;
    const bound = this.slots.boundAt;
    const at = this.loop.at;
    const conn = this.loop.conn;
    return {
      ...st,
      modem: { ...st.modem },
      sim: { ...st.sim },
      at: {
        commands: at.commands + (conn?.channel.stats.commands ?? 0),
        errors: at.errors + (conn?.channel.stats.errors ?? 0),
        timeouts: at.timeouts,
        garbageBytes: at.garbageBytes,
      },
      idleMinutes: end === null ? null : Math.floor((now - end) / 60000),
      bindMinutes: bound === null ? null : Math.floor((now - bound) / 60000),
    };
  }

  /**
   * A capability of the line's modem, for the features built on it (the SMS receiver, USSD, sending).
   * Throws while the line is not registered, and when the modem's family lacks an optional capability.
   */
  capability<K extends CapabilityName>(name: K): NonNullable<LineCapabilities[K]> {
    const modem = this.readyModem();
    const c = modem[name];
    if (!c) throw new Error(`line ${this.id}'s modem (family ${modem.family}) has no ${name}`);
    return c;
  }

  /**
   * An operator's PIN or PUK for the card the line waits for (sim-unlock.ts); on success the line asks
   * the card again at once. Null when no modem is connected now. The codes are never logged.
   */
  async unlockSim(code: SimUnlockCode): Promise<SimUnlockResult | null> {
    const conn = this.loop.conn;
    const modem = conn && !conn.isLost ? conn.modem : null;
    if (!modem) return null;
    const r = await unlockSim(modem.sim, code);
    this.log.info({ kind: isPukCode(code) ? 'puk' : 'pin', outcome: r.outcome, state: r.state }, 'SIM unlock by an operator');
    if (r.outcome === 'unlocked') this.wakeAll();
    return r;
  }

  /** The modem while the line is registered; throws otherwise. */
  private readyModem(): Modem {
    const conn = this.loop.conn;
    const modem = conn && !conn.isLost ? conn.modem : null;
    const st = this.board.st;
    if (!modem || this.board.phase !== 'registered') throw new Error(`line ${this.id} is not ready (${st.health}${st.detail ? `: ${st.detail}` : ''})`);
    return modem;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop.run().catch((e) => this.log.error({ err: e }, 'line loop ended with an error'));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.loop.conn?.lose(new ConnectionLost('line stopped', false));
    this.wakeAll();
    await this.loopDone;
    await this.slots.close();
  }

  /** Enables or disables the line (manual §3.2.1 open/close). A disabled line releases its modem port. */
  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    this.board.update({ enabled: on });
    if (!on) {
      this.board.enter('disabled', 'disabled', { detail: 'disabled by the operator' });
      this.loop.conn?.lose(new ConnectionLost('disabled', false));
    } else {
      this.board.enter('closed', 'starting', { detail: null });
    }
    this.wakeAll();
  }

  /** The slots the line's SIM switch offers (known from the first bring-up on; null before). */
  availableSlots(): readonly SlotId[] | null {
    return this.slots.available;
  }

  /**
   * Moves the line to another SIM slot: the connection is closed, the SIM switch selects the slot and
   * the modem is restarted on the new card (SIM policy decisions, operator's forced switch).
   */
  switchSlot(slot: SlotId): void {
    this.slots.request(slot, this.enabled);
    this.loop.conn?.lose(new ConnectionLost(`switching to SIM slot ${slot}`, false));
    this.wakeAll();
  }

  /**
   * Data connectivity check (manual §5.10), through the modem's own data connection (data-check.ts).
   * The result (status code or error, time) is kept in status().dataCheck.
   */
  async checkData(opts: { url?: string; apn?: string; timeoutMs?: number } = {}): Promise<DataCheckResult> {
    const url = opts.url ?? this.opts.dataCheck?.url;
    if (!url) throw new Error(`line ${this.id} has no data check URL (lines[].dataCheck.url, or give one)`);
    const modem = this.readyModem();
    const result = await runDataCheck(modem.dataCheck, modem.family, { url, apn: opts.apn ?? this.opts.dataCheck?.apn, timeoutMs: opts.timeoutMs }, this.now);
    this.board.update({ dataCheck: result });
    this.log.info({ url, ok: result.ok, status: result.status, ms: result.ms, error: result.error }, 'data connectivity check');
    return result;
  }

  /** An SMS went out from this line, or failed (the SMS layer reports it; the SIM policy counts it). */
  smsSent(sms: LineSmsEvent): void {
    this.notify('sms', sms);
  }

  /** Dials a number (ATD). Resolves when the modem accepted the call; progress shows in callState. */
  async dial(number: string, opts: DialOptions = {}): Promise<void> {
    const voice = this.capability('voicecall');
    await this.calls.dial(voice, number, opts);
    const t = this.timing;
    if (!needsCallSetupPoll(voice, t.callSetupPollMs, t.probeIntervalMs)) return;
    const conn = this.loop.conn;
    void pollCallSetup({
      voice,
      state: () => this.calls.state,
      isLive: () => this.running && this.loop.conn === conn && this.board.phase === 'registered',
      publish: (e) => this.calls.onModemEvent(e),
      sleep: (ms) => this.sleep(ms),
      now: this.now,
      pollMs: t.callSetupPollMs,
      maxMs: t.callSetupPollMaxMs,
      log: this.log,
    });
  }

  async answer(): Promise<void> {
    await this.calls.answer(this.capability('voicecall'));
  }

  /** Hangs up every call of the line (AT+CHUP, TS 27.007 §6.5: the waiting or held one too). */
  async hangup(): Promise<void> {
    await this.calls.hangup(this.capability('voicecall'));
    this.second.end(null);
  }

  /** Call waiting on or off in the network (TS 27.007 §7.12); throws when the modem has no call waiting. */
  async setCallWaiting(enabled: boolean): Promise<void> {
    await this.capability('callWaiting').setWaiting(enabled);
  }

  /** Whether the modem can hold a second call (its family has +CCWA / +CHLD); false while not registered. */
  canWaitCalls(): boolean {
    try {
      this.capability('callWaiting');
      return true;
    } catch {
      return false;
    }
  }

  /** AT+CHLD (TS 27.007 §7.13), then the calls as the modem lists them (which one was accepted or released). */
  async holdCalls(action: CallHoldAction): Promise<void> {
    const waited = this.second.current?.state === 'INCOMING';
    await this.capability('callWaiting').hold(action);
    if (waited && action !== 'release-waiting') this.second.accepted();
    await this.second.reconcile(null);
  }

  /** Switches on the modem's DTMF detection: keys then come as 'call-dtmf'. Throws when the family has none. */
  async detectDtmf(): Promise<void> {
    await this.capability('dtmfDetection').enable();
  }

  /** Sends DTMF keys to the far end of the active call (TS 27.007 +VTS). Throws when no call is up. */
  async sendDtmf(keys: string): Promise<void> {
    await this.capability('dtmfSend').send(keys);
  }

  /**
   * The call's PCM audio (docs/media.md "Modem audio"), once connected, or `early` while it alerts
   * where callAudioEarly(): starts the modem's stream, applies the
   * configured gains and echo canceller, opens the audio port. Closing the end stops the stream again.
   * Null when the family or the port has no audio; throws when not registered or the modem refuses.
   */
  async openCallAudio(early = false): Promise<ModemAudioEnd | null> {
    const audio = this.readyModem().audio;
    return openCallAudio(audio, this.loop.conn?.opened.audio, this.opts.audio ?? {}, this.log, early);
  }

  /** The modem hands over the network's audio while an outgoing call alerts (AudioCapability.earlyMedia). */
  callAudioEarly(): boolean {
    return this.loop.conn?.modem?.audio?.earlyMedia === true;
  }

  // ---------------------------------------------------------------- helpers

  /** emit(), but a listener that throws is logged instead of breaking the line. */
  private notify<K extends keyof LineEvents>(event: K, ...args: LineEvents[K]): void {
    try {
      // node's typings spell emit()'s arguments as a conditional type that a generic K cannot reach;
      // this signature is the same contract, stated the way the compiler can check at every caller.
      (this.emit as (e: K, ...a: LineEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      this.log.error({ err: e, event }, 'line event listener threw');
    }
  }

  /** Waits; cut short by stop(), setEnabled() and a lost connection. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeAll(): void {
    for (const w of [...this.sleepers]) w();
  }
}
