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
import { AtTimeoutError } from '../at/types.js';
import type { Modem } from '../../modem-drivers/capabilities.js';
import type { Logger } from '../util/log.js';
import type { LineEvents, LineSmsEvent } from '../events.js';
import { bringUp } from './bring-up.js';
import { CallLeg, type DialOptions } from './call-leg.js';
import { Connection, ConnectionLost, type AtCounters } from './connection.js';
import { DataCheckSchedule, runDataCheck, type DataCheckResult } from './data-check.js';
import { isConnected } from './lifecycle.js';
import { clearRadio, type LineContext } from './line-context.js';
import { DEFAULT_TIMING, type LineOptions, type LineTiming } from './line-options.js';
import { LineStatusBoard } from './line-status.js';
import { monitor } from './monitor.js';
import type { OpenedPort } from './port-provider.js';
import { SimReadiness } from './sim-readiness.js';
import { SlotBinding } from './slot-binding.js';
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
  private readonly ctx: LineContext;
  private readonly calls: CallLeg;
  private readonly slots: SlotBinding;
  private readonly dataChecks: DataCheckSchedule;
  private enabled: boolean;
  private running = false;
  private loop: Promise<void> | null = null;
  private conn: Connection | null = null;
  /** Pending sleeps; woken by stop(), setEnabled() and a lost connection. */
  private readonly sleepers = new Set<() => void>();
  /** Back-off delays for a missing port and for a bring-up that keeps failing. */
  private openDelay = 0;
  private failDelay = 0;
  /** AT counters of closed connections (the open one's are added in status()). */
  private readonly at: AtCounters = { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0 };

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
    this.slots = new SlotBinding({ board, log, now, ...(opts.simSwitch ? { simSwitch: opts.simSwitch } : {}), ...(opts.chooseSlot ? { chooseSlot: opts.chooseSlot } : {}) });
    this.dataChecks = new DataCheckSchedule(opts.dataCheck, now);
    this.ctx = {
      id: this.id,
      opts,
      timing: this.timing,
      log,
      now,
      board,
      slots: this.slots,
      sim: new SimReadiness({ board, log, ...(opts.pins ? { pins: opts.pins } : {}) }),
      calls: this.calls,
      notify,
      attempts: { unanswered: 0 },
      sleep: (ms) => this.sleep(ms),
      isRunning: () => this.running,
      checkDataWhenDue: () => {
        if (this.board.phase !== 'registered' || !this.dataChecks.due()) return;
        void this.checkData().catch((e: Error) => this.log.warn({ err: e.message }, 'data check not run'));
      },
    };
    this.setMaxListeners(50);
  }

  // ---------------------------------------------------------------- public surface

  status(): LineStatus {
    const now = this.now();
    const st = this.board.st;
    const end = this.calls.lastConnectedEnd;
    const bound = this.slots.boundAt;
    return {
      ...st,
      modem: { ...st.modem },
      sim: { ...st.sim },
      at: {
        commands: this.at.commands + (this.conn?.channel.stats.commands ?? 0),
        errors: this.at.errors + (this.conn?.channel.stats.errors ?? 0),
        timeouts: this.at.timeouts,
        garbageBytes: this.at.garbageBytes,
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

  /** The modem while the line is registered; throws otherwise. */
  private readyModem(): Modem {
    const modem = this.conn && !this.conn.isLost ? this.conn.modem : null;
    const st = this.board.st;
    if (!modem || this.board.phase !== 'registered') throw new Error(`line ${this.id} is not ready (${st.health}${st.detail ? `: ${st.detail}` : ''})`);
    return modem;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((e) => this.log.error({ err: e }, 'line loop ended with an error'));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.conn?.lose(new ConnectionLost('line stopped', false));
    this.wakeAll();
    await this.loop;
    await this.slots.close();
  }

  /** Enables or disables the line (manual §3.2.1 open/close). A disabled line releases its modem port. */
  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    this.board.update({ enabled: on });
    if (!on) {
      this.board.enter('disabled', 'disabled', { detail: 'disabled by the operator' });
      this.conn?.lose(new ConnectionLost('disabled', false));
    } else {
      this.board.enter('closed', 'starting', { detail: null });
    }
    this.wakeAll();
  }

  /**
   * Moves the line to another SIM slot: the connection is closed, the SIM switch selects the slot and
   * the modem is restarted on the new card (SIM policy decisions, operator's forced switch).
   */
  switchSlot(slot: SlotId): void {
    this.slots.request(slot, this.enabled);
    this.conn?.lose(new ConnectionLost(`switching to SIM slot ${slot}`, false));
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
    await this.calls.dial(this.capability('voicecall'), number, opts);
  }

  async answer(): Promise<void> {
    await this.calls.answer(this.capability('voicecall'));
  }

  async hangup(): Promise<void> {
    await this.calls.hangup(this.capability('voicecall'));
  }

  // ---------------------------------------------------------------- the loop: open, bring up, monitor, recover

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.cycle();
      } catch (e) {
        // Nothing may stop a line for good: log, wait, go round again.
        this.log.error({ err: e }, 'line loop error; continuing');
        await this.sleep(this.timing.reopenDelayMs);
      }
    }
  }

  /** One connection: open, bring up, monitor, close, recover. */
  private async cycle(): Promise<void> {
    if (!this.enabled) {
      await this.sleep(60_000);
      return;
    }
    let opened: OpenedPort;
    try {
      opened = await this.opts.port.open(this.board.st.modem.imei);
    } catch (e) {
      if (!this.enabled) return;
      this.board.enter('absent', 'absent', { detail: `modem not found (${this.opts.port.describe()}): ${(e as Error).message}` });
      clearRadio(this.ctx);
      this.openDelay = this.backoff(this.openDelay);
      await this.sleep(this.openDelay);
      return;
    }
    this.openDelay = 0;
    const conn = this.connect(opened);
    let lost: ConnectionLost;
    let reachedMonitor = false;
    try {
      if (!this.enabled || !this.running) throw new ConnectionLost('closed while opening', false);
      await conn.race(bringUp(this.ctx, conn));
      reachedMonitor = true;
      this.failDelay = 0;
      await conn.race(monitor(this.ctx, conn));
      lost = new ConnectionLost('monitor ended', false);
    } catch (e) {
      lost = e instanceof ConnectionLost ? e : this.classify(conn, e as Error);
    }
    await this.disconnect(conn, lost);
    if (!this.running || !this.enabled) return;
    if (lost.unresponsive) {
      // Silence after the modem had answered counts as the first unanswered attempt.
      this.ctx.attempts.unanswered = Math.max(this.ctx.attempts.unanswered, 1);
      await this.recover(conn, lost.reason);
      return;
    }
    // A bring-up that keeps failing (wrong IMEI, ERROR during identification) backs off.
    this.failDelay = reachedMonitor ? 0 : this.backoff(this.failDelay);
    await this.sleep(Math.max(this.failDelay, this.timing.reopenDelayMs));
  }

  private backoff(prev: number): number {
    return prev === 0 ? this.timing.reopenDelayMs : Math.min(prev * 2, this.timing.maxReopenDelayMs);
  }

  private connect(opened: OpenedPort): Connection {
    const conn = new Connection(opened, {
      lineId: this.id,
      log: this.log,
      commandTimeoutMs: this.timing.commandTimeoutMs,
      unresponsiveAfterMs: this.timing.unresponsiveAfterMs,
      now: this.now,
      counters: this.at,
      onLost: () => this.wakeAll(),
    });
    this.conn = conn;
    this.board.update({ modem: { ...this.board.st.modem, port: opened.path, usbPath: opened.usbPath } });
    return conn;
  }

  private async disconnect(conn: Connection, why: ConnectionLost): Promise<void> {
    conn.lose(why);
    if (this.conn === conn) this.conn = null;
    this.calls.dropped();
    this.at.commands += conn.channel.stats.commands;
    this.at.errors += conn.channel.stats.errors;
    this.log.info({ reason: why.reason }, 'modem connection closed');
    clearRadio(this.ctx);
    const modem = { ...this.board.st.modem, port: null, usbPath: null };
    if (isConnected(this.board.phase)) this.board.enter('closed', undefined, { modem });
    else this.board.update({ modem });
    await conn.close(why.reason);
  }

  private async recover(conn: Connection, reason: string): Promise<void> {
    const st = this.board.st;
    this.board.enter('resetting', 'resetting', { detail: `resetting: ${reason}`, resets: st.resets + 1, lastReset: { at: new Date(this.now()).toISOString(), reason } });
    clearRadio(this.ctx);
    this.log.warn({ reason }, 'modem unresponsive; resetting');
    let how: string | null = null;
    try {
      how = await this.opts.port.hardReset(reason);
    } catch (e) {
      this.log.error({ err: e }, 'hard reset failed');
    }
    this.log.info({ how: how ?? 'no power-cycle available; reopening the port', port: conn.opened.path }, 'modem reset');
    await this.sleep(this.timing.reopenDelayMs);
  }

  private classify(conn: Connection, e: Error): ConnectionLost {
    if (e instanceof AtTimeoutError) {
      // Bring-up cannot go on without an answer; whether that calls for a reset is the silence rule's call.
      const silent = conn.watchdog.silentFor();
      return new ConnectionLost(`${e.message} (silent for ${Math.round(silent / 1000)} s)`, silent >= this.timing.unresponsiveAfterMs);
    }
    this.log.error({ err: e }, 'line bring-up failed');
    const change = this.board.switching;
    if (change) change.lastError = e.message;
    this.board.update({ detail: e.message });
    return new ConnectionLost(e.message, false);
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

function initialStatus(id: number, name: string, enabled: boolean, imei: string | null): LineStatus {
  return {
    id,
    name,
    enabled,
    lifecycle: 'probe',
    health: enabled ? 'starting' : 'disabled',
    detail: null,
    callState: 'IDLE',
    callNumber: null,
    slot: null,
    reg: 'N',
    signal: 99,
    signalDbm: null,
    operator: null,
    plmn: null,
    volte: null,
    idleMinutes: null,
    bindMinutes: null,
    modem: { family: null, manufacturer: null, model: null, firmware: null, imei, port: null, usbPath: null },
    sim: { state: null, iccid: null, imsi: null, number: null },
    resets: 0,
    lastReset: null,
    at: { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0 },
    dataCheck: null,
  };
}
