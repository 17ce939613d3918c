/**
 * A Line is one modem plus its SIM slots. It brings the modem up (probe → enable → SIM ready →
 * registered), keeps its status fresh, follows its calls, and recovers it by itself: a modem that stops
 * answering is declared unresponsive within `unresponsiveAfterMs` (≤ 10 s), power-cycled through the port
 * provider, reopened (found again by IMEI if it re-enumerated) and brought up again. Each line runs on
 * its own; nothing here touches another line.
 */
import { EventEmitter } from 'node:events';
import { AtChannel } from '../at/channel.js';
import { AtClosedError, AtCommandError, AtTimeoutError, type AtChannelApi } from '../at/types.js';
import type { Logger } from '../util/log.js';
import { createDriver, detectFamily } from '../../modem-drivers/index.js';
import { buildSubmitPdus } from '../gsm/index.js';
import type { Family, ModemDriver, ModemEvent, Registration, SimState } from '../../modem-drivers/types.js';
import type { SimSwitch } from '../../modem-drivers/sim-switch/types.js';
import { callTransition, canTransition, type CallEvent } from '../call/call-state.js';
import type { OpenedPort, PortProvider } from './port-provider.js';
import { SlotChange } from './slot-change.js';
import type { CallState, Health, Lifecycle, LineStatus, SlotId } from './types.js';
import { Call } from '../call/call.js';
import type { LineCallEvent, LineSmsEvent } from '../events.js';

export type { LineCallEvent, LineSmsEvent };

export interface LineTiming {
  /** Idle keep-alive / signal poll period. */
  probeIntervalMs: number;
  /** No byte from the modem for this long, with a command timed out meanwhile → unresponsive. */
  unresponsiveAfterMs: number;
  /** Default AT command timeout. */
  commandTimeoutMs: number;
  /** Polls that pass between full refreshes (registration, operator, VoLTE, SIM). */
  refreshEvery: number;
  /** Delay before reopening after a reset; doubled on every failed reopen up to maxReopenDelayMs. */
  reopenDelayMs: number;
  maxReopenDelayMs: number;
  /** SIM checks while no SIM / SIM locked. */
  simRetryMs: number;
  /** How long a SIM slot change may show as `switching` before the line shows its own state again. */
  switchGraceMs: number;
}

export const DEFAULT_TIMING: LineTiming = {
  probeIntervalMs: 3000,
  unresponsiveAfterMs: 8000,
  commandTimeoutMs: 5000,
  refreshEvery: 10,
  reopenDelayMs: 1000,
  maxReopenDelayMs: 30000,
  simRetryMs: 10000,
  switchGraceMs: 60000,
};

export interface LineOptions {
  id: number;
  name?: string;
  enabled?: boolean;
  port: PortProvider;
  log: Logger;
  /** Configured family, or 'auto' to detect from the modem. */
  family?: Family | 'auto';
  /** IMEI the configuration pins this line to (a different modem on the port is refused). */
  imei?: string | null;
  pins?: Partial<Record<SlotId, string>>;
  operator?: { mode: 'auto' } | { mode: 'manual'; plmn: string };
  /**
   * Builds the line's SIM switch for a connection (a dual-SIM switch needs the connection's AT channel
   * and the detected family); null or absent: the line has one slot, A.
   */
  simSwitch?: ((ctx: { channel: AtChannelApi; family: Family }) => SimSwitch) | null;
  /**
   * Which slot to bind, asked at every bring-up (the SIM policy); null: no slot is usable now. Absent:
   * the first slot the switch offers.
   */
  chooseSlot?: (available: readonly SlotId[]) => SlotId | null;
  /**
   * IMEI to program for the bound slot (manual §4.9: per line, or per SIM slot); null to leave it.
   * Only given when the configuration allows it (security.allowImeiWrite).
   */
  imeiFor?: ((slot: SlotId) => string | null) | null;
  /** Data connectivity check: URL and APN, and how often to run it (0: only on demand). */
  dataCheck?: { url?: string; apn?: string; intervalMinutes: number };
  timing?: Partial<LineTiming>;
  now?: () => number;
}

class ConnectionLost extends Error {
  constructor(readonly reason: string, readonly unresponsive: boolean) {
    super(reason);
  }
}

interface Connection {
  opened: OpenedPort;
  channel: AtChannel;
  driver: ModemDriver;
  lost: Promise<never>;
  lose: (e: ConnectionLost) => void;
  isLost: boolean;
  simSwitch: SimSwitch | null;
  /** The network's time was read on this connection (once, after registering). */
  timeRead: boolean;
  /** When the oldest command still owed an answer was written (0: nothing owed). */
  owedSince: number;
  /** channel.rxChunks when that command was written: any chunk since then is an answer. */
  owedRx: number;
  /** The latest non-network command written: when, and channel.rxChunks at that moment. */
  lastSentAt: number;
  lastSentRx: number;
  watchdog: NodeJS.Timeout | null;
}

export class Line extends EventEmitter {
  readonly id: number;
  readonly name: string;
  private readonly log: Logger;
  private readonly timing: LineTiming;
  private readonly now: () => number;
  private enabled: boolean;
  private running = false;
  private loop: Promise<void> | null = null;
  private conn: Connection | null = null;
  /** Pending sleeps; woken by stop(), setEnabled() and a lost connection. */
  private readonly sleepers = new Set<() => void>();
  private pinFailed = new Set<string>();
  private lastSwitch: SimSwitch | null = null;
  /** A slot the policy asked for (switchSlot), bound at the next bring-up. */
  private wantSlot: SlotId | null = null;
  /** The SIM slot change under way, shown as health `switching` until the new card is ready. */
  private switching: SlotChange | null = null;
  /** Bring-up attempts since the modem last answered (the one under way included). */
  private unanswered = 0;
  /** The current call: when it started, whether it rang, when it was answered, how the modem ended it. */
  private callInfo: { startedAt: number; alerted: boolean; answeredAt: number | null; endReason: string | null } | null = null;
  /** The call on this line now (its GSM leg), null while idle. */
  private current: Call | null = null;
  /** When the current connection opened; end of the last connected call; when the slot was bound. */
  private connectedAt = 0;
  private lastConnectedEnd: number | null = null;
  private boundAt: number | null = null;
  /** Back-off delays for a missing port and for a bring-up that keeps failing. */
  private openDelay = 0;
  private failDelay = 0;

  private st: LineStatus;
  /** AT counters of closed connections (the open one's are added in status()). */
  private readonly at = { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0 };

  constructor(private readonly opts: LineOptions) {
    super();
    this.id = opts.id;
    this.name = opts.name ?? `L${opts.id}`;
    this.log = opts.log.child({ line: this.id });
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.now = opts.now ?? Date.now;
    this.enabled = opts.enabled ?? true;
    this.st = {
      id: this.id,
      name: this.name,
      enabled: this.enabled,
      lifecycle: 'probe',
      health: this.enabled ? 'starting' : 'disabled',
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
      modem: { family: null, manufacturer: null, model: null, firmware: null, imei: opts.imei ?? null, port: null, usbPath: null },
      sim: { state: null, iccid: null, imsi: null, number: null },
      resets: 0,
      lastReset: null,
      at: { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0 },
      dataCheck: null,
    };
    this.setMaxListeners(50);
  }

  // ---------------------------------------------------------------- public surface

  status(): LineStatus {
    const now = this.now();
    return {
      ...this.st,
      modem: { ...this.st.modem },
      sim: { ...this.st.sim },
      at: {
        commands: this.at.commands + (this.conn?.channel.stats.commands ?? 0),
        errors: this.at.errors + (this.conn?.channel.stats.errors ?? 0),
        timeouts: this.at.timeouts,
        garbageBytes: this.at.garbageBytes,
      },
      idleMinutes: this.lastConnectedEnd === null ? null : Math.floor((now - this.lastConnectedEnd) / 60000),
      bindMinutes: this.boundAt === null ? null : Math.floor((now - this.boundAt) / 60000),
    };
  }

  /** The driver of the current connection, for features built on top (SMS, USSD); null while down. */
  get driver(): ModemDriver | null {
    return this.conn && !this.conn.isLost ? this.conn.driver : null;
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
    await this.lastSwitch?.close().catch(() => {});
  }

  /** Enables or disables the line (manual §3.2.1 open/close). A disabled line releases its modem port. */
  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    this.st.enabled = on;
    if (!on) {
      this.update({ health: 'disabled', detail: 'disabled by the operator' });
      this.conn?.lose(new ConnectionLost('disabled', false));
    } else {
      this.update({ health: 'starting', detail: null });
    }
    this.wakeAll();
  }

  /**
   * Moves the line to another SIM slot: the connection is closed, the SIM switch selects the slot and
   * the modem is restarted on the new card (SIM policy decisions, operator's forced switch).
   */
  switchSlot(slot: SlotId): void {
    this.wantSlot = slot;
    this.log.info({ from: this.st.slot, to: slot }, 'switching SIM slot');
    if (this.enabled) {
      this.switching = new SlotChange(this.st.slot, slot, this.now());
      this.update({ health: 'switching' });
    }
    this.conn?.lose(new ConnectionLost(`switching to SIM slot ${slot}`, false));
    this.wakeAll();
  }

  /**
   * Data connectivity check (manual §5.10): the modem fetches the URL through its own data connection
   * with its built-in HTTP client. The result (status code or error, time) is kept in status().dataCheck.
   */
  async checkData(opts: { url?: string; apn?: string; timeoutMs?: number } = {}): Promise<NonNullable<LineStatus['dataCheck']>> {
    const url = opts.url ?? this.opts.dataCheck?.url;
    if (!url) throw new Error(`line ${this.id} has no data check URL (lines[].dataCheck.url, or give one)`);
    const d = this.requireReady();
    const apn = opts.apn ?? this.opts.dataCheck?.apn;
    const at = new Date(this.now()).toISOString();
    let result: NonNullable<LineStatus['dataCheck']>;
    try {
      const r = await d.httpCheck({ url, ...(apn ? { apn } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
      result = { at, url, ok: r.status >= 200 && r.status < 400, status: r.status, bytes: r.bytes, ms: r.ms, error: null };
    } catch (e) {
      result = { at, url, ok: false, status: null, bytes: null, ms: null, error: (e as Error).message };
    }
    this.update({ dataCheck: result });
    this.log.info({ url, ok: result.ok, status: result.status, ms: result.ms, error: result.error }, 'data connectivity check');
    return result;
  }

  private smsRef = Math.floor(Math.random() * 256);

  /**
   * Sends an SMS from the bound SIM in PDU mode (TS 27.005 §3.5.1), split into concatenated parts when
   * long (TS 23.040 §9.2.3.24.1). Resolves with the parts' message references (TP-MR, for matching
   * status reports); emits 'sms' with the outcome either way (the SIM policy counts it). The caller
   * checks the policy first. Rejects with SmsSendError, which says whether the network may have the
   * message: `definite` is true only when the modem refused the first part (+CMS ERROR) or the line
   * was not ready, i.e. nothing went out and another line may try.
   */
  async sendSms(to: string, text: string, opts: { smsc?: string; requestStatusReport?: boolean; validityMinutes?: number } = {}): Promise<{ parts: number; references: number[] }> {
    let d: ModemDriver;
    try {
      d = this.requireReady();
    } catch (e) {
      throw new SmsSendError((e as Error).message, 0, true);
    }
    let parts: ReturnType<typeof buildSubmitPdus>;
    try {
      parts = buildSubmitPdus({
        to,
        text,
        concatRef: (this.smsRef = (this.smsRef + 1) & 0xff),
        ...(opts.smsc ? { smsc: opts.smsc } : {}),
        ...(opts.requestStatusReport ? { requestStatusReport: true } : {}),
        ...(opts.validityMinutes ? { validity: opts.validityMinutes } : {}),
      });
    } catch (e) {
      throw new SmsSendError(`cannot encode the SMS: ${(e as Error).message}`, 0, true);
    }
    const references: number[] = [];
    try {
      for (const p of parts) references.push(await d.sendPdu(p.hex, p.tpduLength));
    } catch (e) {
      const msg = (e as Error).message;
      this.notify('sms', { to, parts: parts.length, ok: false, error: msg } satisfies LineSmsEvent);
      // +CMS ERROR on the first part: the modem refused it, nothing was sent. A timeout or a lost
      // port after AT+CMGS leaves the outcome unknown.
      const definite = references.length === 0 && e instanceof AtCommandError;
      throw new SmsSendError(msg, references.length, definite, { cause: e });
    }
    this.notify('sms', { to, parts: parts.length, ok: true, error: null } satisfies LineSmsEvent);
    return { parts: parts.length, references };
  }

  /**
   * The modem driver while the line is registered, for the SMS receiver and USSD (they issue their
   * own commands through it). Throws when the line is not ready.
   */
  readyDriver(): ModemDriver {
    return this.requireReady();
  }

  /** Dials a number (ATD). Resolves when the modem accepted the call; progress shows in callState. */
  async dial(number: string): Promise<void> {
    const d = this.requireReady();
    if (this.st.callState !== 'IDLE' && this.st.callState !== 'ACTIVE') throw new Error(`line ${this.id} is busy (${this.st.callState})`);
    this.call('dial', number);
    try {
      await d.dial(number);
    } catch (e) {
      if (this.callInfo && e instanceof AtCommandError) this.callInfo.endReason = e.final.kind;
      if (this.st.callState !== 'IDLE') this.call('ended');
      throw e;
    }
  }

  async answer(): Promise<void> {
    const d = this.requireReady();
    if (this.st.callState !== 'INCOMING') throw new Error(`line ${this.id} has no incoming call`);
    await d.answer();
    this.call('answered');
  }

  async hangup(): Promise<void> {
    const d = this.requireReady();
    await d.hangup();
    this.call('ended');
  }

  // ---------------------------------------------------------------- main loop

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
    this.update({ health: this.enabled ? this.st.health : 'disabled' });
  }

  /** One connection: open, bring up, monitor, close, recover. */
  private async cycle(): Promise<void> {
    if (!this.enabled) {
      await this.sleep(60_000);
      return;
    }
    let opened: OpenedPort;
    try {
      opened = await this.opts.port.open(this.st.modem.imei);
    } catch (e) {
      this.update({ health: 'absent', lifecycle: 'probe', detail: `modem not found (${this.opts.port.describe()}): ${(e as Error).message}` });
      this.clearRadio();
      this.openDelay = this.backoff(this.openDelay);
      await this.sleep(this.openDelay);
      return;
    }
    this.openDelay = 0;
    const conn = this.connect(opened);
    let lost: ConnectionLost;
    let reachedMonitor = false;
    try {
      await this.race(conn, this.bringUp(conn));
      reachedMonitor = true;
      this.failDelay = 0;
      await this.race(conn, this.monitor(conn));
      lost = new ConnectionLost('monitor ended', false);
    } catch (e) {
      lost = e instanceof ConnectionLost ? e : this.classify(conn, e as Error);
    }
    await this.disconnect(conn, lost);
    if (!this.running || !this.enabled) return;
    if (lost.unresponsive) {
      // Silence after the modem had answered counts as the first unanswered attempt.
      this.unanswered = Math.max(this.unanswered, 1);
      await this.recover(conn, lost.reason);
      return;
    }
    // A bring-up that keeps failing (wrong IMEI, ERROR during identification) backs off.
    this.failDelay = reachedMonitor ? 0 : this.backoff(this.failDelay);
    await this.sleep(Math.max(this.failDelay, this.timing.reopenDelayMs));
  }

  private nextDataCheck = 0;

  /** Runs the periodic data check when it is due (it queues behind other commands on the channel). */
  private maybeCheckData(): void {
    const dc = this.opts.dataCheck;
    if (!dc?.url || !dc.intervalMinutes || this.st.lifecycle !== 'registered') return;
    const now = this.now();
    if (now < this.nextDataCheck) return;
    this.nextDataCheck = now + dc.intervalMinutes * 60_000;
    void this.checkData().catch((e: Error) => this.log.warn({ err: e.message }, 'data check not run'));
  }

  private backoff(prev: number): number {
    return prev === 0 ? this.timing.reopenDelayMs : Math.min(prev * 2, this.timing.maxReopenDelayMs);
  }

  private connect(opened: OpenedPort): Connection {
    const channel = new AtChannel(opened.transport, {
      log: this.log,
      name: `L${this.id}`,
      defaultTimeoutMs: this.timing.commandTimeoutMs,
    });
    let lose!: (e: ConnectionLost) => void;
    const lost = new Promise<never>((_, reject) => (lose = reject));
    lost.catch(() => {});
    const conn: Connection = {
      opened,
      channel,
      driver: createDriver('generic', channel, { log: this.log }),
      lost,
      lose: (e) => {
        if (conn.isLost) return;
        conn.isLost = true;
        lose(e);
        this.wakeAll();
      },
      isLost: false,
      simSwitch: null,
      timeRead: false,
      owedSince: 0,
      owedRx: 0,
      lastSentAt: 0,
      lastSentRx: 0,
      watchdog: null,
    };
    this.conn = conn;
    this.update({ modem: { ...this.st.modem, port: opened.path, usbPath: opened.usbPath } });
    channel.onEvent((ev) => {
      if (ev.type === 'sent') {
        if (!ev.network) this.owe(conn);
      } else if (ev.type === 'closed') conn.lose(new ConnectionLost(`port closed${ev.error ? `: ${ev.error.message}` : ''}`, false));
      else if (ev.type === 'timeout') this.at.timeouts++;
      else if (ev.type === 'garbage') this.at.garbageBytes += ev.bytes;
    });
    return conn;
  }

  /**
   * Watchdog. Silence condemns a modem, not a timeout: the modem is unresponsive when a command that
   * the modem answers by itself (not one waiting for the network, such as ATD or AT+CMGS) has been owed
   * an answer for unresponsiveAfterMs and not a single byte came in meanwhile. Armed when such a command
   * is written; no timer runs while nothing is owed.
   */
  private owe(conn: Connection): void {
    const rx = conn.channel.rxChunks;
    conn.lastSentAt = this.now();
    conn.lastSentRx = rx;
    if (conn.owedSince !== 0 && conn.owedRx === rx) return; // nothing came since: already counting
    this.arm(conn, conn.lastSentAt, rx);
  }

  private arm(conn: Connection, since: number, rx: number): void {
    conn.owedSince = since;
    conn.owedRx = rx;
    this.schedule(conn, this.silenceDue(conn));
  }

  /**
   * When an owed answer becomes a verdict: unresponsiveAfterMs after the last byte from the modem, but
   * never before the owed command had half that time (at most 4 s) to be answered. With the 3 s
   * keep-alive and the 8 s default this condemns a hung modem 8 s after it last spoke.
   */
  private silenceDue(conn: Connection): number {
    const u = this.timing.unresponsiveAfterMs;
    return Math.max(Math.max(conn.channel.lastRxAt, this.connectedAt) + u, conn.owedSince + Math.min(u / 2, 4000));
  }

  private schedule(conn: Connection, at: number): void {
    if (conn.watchdog) clearTimeout(conn.watchdog);
    conn.watchdog = setTimeout(() => this.checkSilence(conn), Math.max(5, at - this.now() + 5));
  }

  private checkSilence(conn: Connection): void {
    conn.watchdog = null;
    if (conn.isLost) return;
    const rx = conn.channel.rxChunks;
    if (rx !== conn.owedRx) {
      // Answered. A command written after that answer and still waiting is owed from its own start.
      conn.owedSince = 0;
      const f = conn.channel.inFlight();
      if (f && !f.network && conn.lastSentRx === rx) this.arm(conn, conn.lastSentAt, rx);
      return;
    }
    const due = this.silenceDue(conn);
    if (this.now() < due) return this.schedule(conn, due);
    const silent = this.now() - Math.max(conn.channel.lastRxAt, this.connectedAt);
    conn.lose(new ConnectionLost(`no answer from the modem for ${Math.round(silent / 1000)} s`, true));
  }

  private async disconnect(conn: Connection, why: ConnectionLost): Promise<void> {
    conn.lose(why);
    if (conn.watchdog) clearTimeout(conn.watchdog);
    if (this.conn === conn) this.conn = null;
    // The switch keeps holding the card while the line reconnects; it is released when the line stops.
    if (conn.simSwitch) this.lastSwitch = conn.simSwitch;
    if (this.st.callState !== 'IDLE') this.call('ended');
    this.at.commands += conn.channel.stats.commands;
    this.at.errors += conn.channel.stats.errors;
    this.log.info({ reason: why.reason }, 'modem connection closed');
    // Nothing the closed connection reported is known any more.
    this.clearRadio();
    this.update({ lifecycle: 'probe', modem: { ...this.st.modem, port: null, usbPath: null } });
    await conn.channel.close(why.reason).catch(() => {});
  }

  private async recover(conn: Connection, reason: string): Promise<void> {
    this.st.resets++;
    this.st.lastReset = { at: new Date(this.now()).toISOString(), reason };
    this.update({ health: 'resetting', detail: `resetting: ${reason}`, lifecycle: 'probe' });
    this.clearRadio();
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
      const silent = this.now() - Math.max(conn.channel.lastRxAt, this.connectedAt);
      return new ConnectionLost(`${e.message} (silent for ${Math.round(silent / 1000)} s)`, silent >= this.timing.unresponsiveAfterMs);
    }
    this.log.error({ err: e }, 'line bring-up failed');
    if (this.switching) this.switching.lastError = e.message;
    this.update({ detail: e.message });
    return new ConnectionLost(e.message, false);
  }

  private race<T>(conn: Connection, p: Promise<T>): Promise<T> {
    p.catch(() => {});
    return Promise.race([p, conn.lost]);
  }

  // ---------------------------------------------------------------- bring-up

  /** Throws when the connection went away while a bring-up step was awaited (race() returned already). */
  private alive(conn: Connection): void {
    if (conn.isLost) throw new ConnectionLost('connection lost during bring-up', false);
  }

  private async bringUp(conn: Connection): Promise<void> {
    this.connectedAt = this.now();
    // Health is ok only once the modem answers; a modem that did not answer the last attempt is unresponsive.
    const attempt = ++this.unanswered;
    this.update(
      attempt === 1
        ? { lifecycle: 'probe', health: 'starting', detail: 'waiting for the modem to answer' }
        : { lifecycle: 'probe', health: 'unresponsive', detail: `modem has not answered yet (attempt ${attempt})` },
    );
    await this.probe(conn);
    this.unanswered = 0;
    this.update({ health: 'ok', detail: 'identifying the modem' });

    const generic = conn.driver;
    const id = await generic.identity();
    const family = this.opts.family && this.opts.family !== 'auto' ? this.opts.family : detectFamily({
      manufacturer: id.manufacturer,
      model: id.model,
      revision: id.revision,
      usbVendorId: conn.opened.usbVendorId,
      usbProductId: conn.opened.usbProductId,
    });
    if (this.opts.imei && id.imei !== this.opts.imei) {
      throw new Error(`the modem on ${conn.opened.path} has IMEI ${id.imei}, but line ${this.id} is configured for IMEI ${this.opts.imei}`);
    }
    if (family !== 'generic') {
      // The probing driver stops listening to URCs; the family driver takes over the channel.
      generic.dispose?.();
      conn.driver = createDriver(family, conn.channel, { log: this.log });
    }
    this.update({
      modem: { ...this.st.modem, family, manufacturer: id.manufacturer, model: id.model, firmware: id.revision, imei: id.imei },
    });
    this.log.info({ family, model: id.model, imei: id.imei, port: conn.opened.path }, 'modem identified');
    conn.driver.onEvent((e) => this.onModemEvent(conn, e));
    await conn.driver.init();
    this.alive(conn);

    this.update({ lifecycle: 'enable', detail: 'enabling' });
    await this.bindSlot(conn);
    this.alive(conn);
    const imei = this.opts.imeiFor?.(this.st.slot ?? 'A') ?? null;
    if (imei && imei !== id.imei) {
      this.log.warn({ from: id.imei, to: imei }, 'writing IMEI as configured (security.allowImeiWrite)');
      await conn.driver.writeImei(imei);
      this.update({ modem: { ...this.st.modem, imei } });
    }
    await this.applyOperator(conn);
    this.alive(conn);

    await this.simReady(conn);
    this.alive(conn);
    this.update({ lifecycle: 'sim-ready', detail: 'waiting for network registration' });
    await this.refresh(conn, true);
  }

  /** ESC (leave a prompt some earlier program left open) then AT until the modem answers. */
  private async probe(conn: Connection): Promise<void> {
    conn.channel.escape();
    for (let i = 0; ; i++) {
      try {
        const r = await conn.channel.send({ cmd: 'AT', timeoutMs: 1500 });
        if (r.ok) return;
      } catch (e) {
        if (!(e instanceof AtTimeoutError)) throw e;
        if (i >= 3) throw new ConnectionLost('modem does not answer AT', true);
      }
    }
  }

  /**
   * Binds a slot: the one switchSlot() asked for, else the policy's choice, else the first the switch
   * offers. Selecting another card restarts the modem on it (the next bring-up then finds it selected).
   */
  private async bindSlot(conn: Connection): Promise<void> {
    const sw = this.opts.simSwitch?.({ channel: conn.channel, family: this.st.modem.family ?? 'generic' }) ?? null;
    conn.simSwitch = sw;
    const available: readonly SlotId[] = sw?.slots ?? ['A'];
    const chosen = this.wantSlot ?? (this.opts.chooseSlot ? this.opts.chooseSlot(available) : available[0]!);
    if (chosen === null) {
      this.update({ slot: null, health: 'no-sim', detail: 'no usable SIM slot: every card is disabled, missing or out of limits' });
      throw new ConnectionLost('no usable SIM slot', false);
    }
    if (sw && sw.kind !== 'none') {
      const cur = await sw.current();
      if (cur !== chosen) {
        // A change the policy chose at bring-up (not through switchSlot) shows as switching too.
        this.switching ??= new SlotChange(cur ?? this.st.slot, chosen, this.now());
        this.update({ health: 'switching' });
        await sw.select(chosen);
        this.wantSlot = chosen;
        this.update({ slot: chosen });
        this.boundAt = this.now();
        // The modem keeps the old card's session until it restarts (TS 27.007 §8.2 AT+CFUN=1,1).
        await conn.driver.reset().catch((e: Error) => this.log.warn({ err: e.message }, 'modem reset after SIM switch failed'));
        throw new ConnectionLost(`restarting the modem on SIM slot ${chosen}`, false);
      }
    }
    this.wantSlot = null;
    if (this.st.slot !== chosen) this.boundAt = this.now();
    this.update({ slot: chosen });
  }

  private async applyOperator(conn: Connection): Promise<void> {
    const sel = this.opts.operator ?? { mode: 'auto' };
    const cur = await conn.driver.operator().catch(() => null);
    if (sel.mode === 'manual') {
      if (cur?.mode !== 'manual' || cur.plmn !== sel.plmn) {
        this.log.info({ plmn: sel.plmn }, 'selecting operator manually (manual §4.11)');
        await conn.driver.selectOperator({ mode: 'manual', plmn: sel.plmn });
      }
    } else if (cur?.mode === 'manual') {
      await conn.driver.selectOperator({ mode: 'auto' });
    }
  }

  private async simReady(conn: Connection): Promise<void> {
    for (;;) {
      const state = await conn.driver.simState();
      this.alive(conn);
      this.st.sim.state = state;
      if (state === 'READY') break;
      await this.handleSimNotReady(conn, state);
    }
    const d = conn.driver;
    const [iccid, imsi, number] = [await d.iccid().catch(() => null), await d.imsi().catch(() => null), await d.ownNumber().catch(() => null)];
    this.alive(conn);
    const change = this.switching;
    this.switching = null;
    if (change) this.log.info({ from: change.from, to: change.to, ms: this.now() - change.since }, 'SIM slot switched');
    this.update({ health: 'ok', ...(change ? { detail: null } : {}), sim: { state: 'READY', iccid, imsi, number } });
    this.notify('sim-bound', { slot: this.st.slot, iccid });
    try {
      await d.initSms();
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'SMS set-up failed; SMS may not be received on this line');
    }
  }

  private async handleSimNotReady(conn: Connection, state: SimState): Promise<void> {
    const slot = this.st.slot ?? 'A';
    if (state === 'SIM PIN') {
      const pin = this.opts.pins?.[slot];
      // Keyed by card and PIN: a new card in the slot, or a corrected PIN, gets its one try.
      const iccid = await conn.driver.iccid().catch(() => null);
      const key = `${slot}:${iccid ?? '?'}:${pin ?? ''}`;
      if (pin && !this.pinFailed.has(key)) {
        try {
          await conn.driver.enterPin(pin);
          this.log.info({ slot }, 'SIM PIN accepted');
          return;
        } catch (e) {
          if (!isWrongPassword(e)) throw e; // busy SIM, timeout, closed port: try again later
          // Never retry a refused PIN automatically: three wrong tries lock the SIM behind its PUK.
          this.pinFailed.add(key);
          this.log.error({ slot, err: (e as Error).message }, 'SIM PIN refused; not retrying');
        }
      }
      this.update({
        health: 'sim-locked',
        detail: pin ? `SIM in slot ${slot} refused the configured PIN` : `SIM in slot ${slot} needs a PIN; none configured (lines[].pins.${slot})`,
      });
    } else if (state === 'SIM PUK' || state === 'SIM PUK2' || state === 'PH-SIM PIN' || state === 'SIM PIN2') {
      this.update({ health: 'sim-locked', detail: `SIM in slot ${slot} is locked (${state})` });
    } else if (state === 'NOT INSERTED') {
      this.update({ health: 'no-sim', detail: `no SIM in slot ${slot}`, sim: { state, iccid: null, imsi: null, number: null } });
    } else {
      this.update({ health: 'no-sim', detail: `SIM in slot ${slot} not ready (${state})` });
    }
    this.clearRadio();
    await this.sleep(this.timing.simRetryMs);
    if (conn.isLost) throw new ConnectionLost('lost while waiting for the SIM', false);
  }

  // ---------------------------------------------------------------- monitoring

  private async monitor(conn: Connection): Promise<void> {
    let n = 0;
    while (this.running && !conn.isLost) {
      await this.sleep(this.timing.probeIntervalMs);
      if (conn.isLost || !this.running) return;
      n++;
      this.maybeCheckData();
      try {
        await this.refresh(conn, n % this.timing.refreshEvery === 0);
      } catch (e) {
        if (e instanceof ConnectionLost || e instanceof AtClosedError) throw e;
        // A timeout is judged by the watchdog (silence), an ERROR reply is the modem's answer: go on polling.
        this.log.warn({ err: (e as Error).message }, 'status poll failed');
      }
    }
  }

  /** Signal every poll (this is also the keep-alive); registration/operator/VoLTE/SIM on `full`. */
  private async refresh(conn: Connection, full: boolean): Promise<void> {
    const d = conn.driver;
    const sig = await d.signal();
    this.alive(conn);
    this.update({ signal: sig.rssi, signalDbm: sig.dbm });
    if (this.st.callState !== 'IDLE') await this.pollCalls(conn);
    // Registration, operator and VoLTE: on a full refresh, and on every poll until known (a line that
    // registered through a URC between polls still needs its operator read).
    if (!full && this.st.lifecycle === 'registered' && this.st.operator !== null) return;
    if (full) {
      const sim = await d.simState();
      if (sim !== 'READY') {
        this.st.sim.state = sim;
        throw new ConnectionLost(`SIM state changed to ${sim}`, false);
      }
    }
    const regs = await d.registration();
    this.alive(conn);
    this.applyRegistration(regs);
    if (this.st.lifecycle === 'registered') {
      if (!conn.timeRead) {
        conn.timeRead = true;
        // NITZ through the modem's clock: the SIM policy's time source when the system clock is not set.
        const t = await d.networkTime().catch(() => null);
        if (t) this.notify('network-time', t);
      }
      const op = await d.operator().catch(() => null);
      if (op) this.update({ operator: op.name, plmn: op.plmn, reg: op.rat ?? this.st.reg });
      const volte = await d.volte().catch(() => null);
      this.update({ volte });
    }
  }

  private applyRegistration(regs: Registration[]): void {
    // Prefer the domain with the newest technology that is registered (EPS, then PS, then CS).
    const order = { eps: 0, ps: 1, cs: 2 } as const;
    const sorted = [...regs].sort((a, b) => order[a.domain] - order[b.domain]);
    const reg = sorted.find((r) => r.stat === 'home' || r.stat === 'roaming' || r.stat === 'sms-only');
    if (reg) {
      this.update({ lifecycle: 'registered', health: 'ok', detail: reg.stat === 'roaming' ? 'registered (roaming)' : null, reg: reg.rat ?? (this.st.reg === 'N' ? '4G' : this.st.reg) });
      return;
    }
    const denied = sorted.some((r) => r.stat === 'denied');
    this.update({
      lifecycle: 'sim-ready',
      health: denied ? 'denied' : 'searching',
      detail: denied ? 'registration denied by the network' : 'searching for a network',
      reg: 'N',
      operator: null,
      plmn: null,
      volte: null,
    });
  }

  private async pollCalls(conn: Connection): Promise<void> {
    const calls = await conn.driver.listCalls();
    this.onModemEvent(conn, { type: 'call-state', calls });
  }

  private onModemEvent(conn: Connection, e: ModemEvent): void {
    if (conn.isLost) return;
    switch (e.type) {
      case 'registration':
        // During bring-up (before the SIM is ready) a +CREG/+CEREG report must not mark the line
        // registered: the bring-up reads the registration itself once it reaches sim-ready.
        if (this.st.lifecycle === 'sim-ready' || this.st.lifecycle === 'registered') this.applyRegistration([e.reg]);
        break;
      case 'ring':
        if (canTransition(this.st.callState, 'incoming')) this.call('incoming');
        break;
      case 'clip':
        if (canTransition(this.st.callState, 'incoming')) this.call('incoming', e.number);
        break;
      case 'call-ended':
        if (this.callInfo) this.callInfo.endReason = e.reason;
        if (this.st.callState !== 'IDLE') this.call('ended');
        break;
      case 'call-state': {
        const voice = e.calls.filter((c) => c.mode === 'voice');
        if (voice.length === 0) {
          if (this.st.callState !== 'IDLE' && this.st.callState !== 'ACTIVE') this.call('ended');
          break;
        }
        const c = voice[0]!;
        if (c.state === 'alerting' && canTransition(this.st.callState, 'alerting')) this.call('alerting');
        else if (c.state === 'active' && canTransition(this.st.callState, 'answered') && this.st.callState !== 'INCOMING') this.call('answered');
        else if ((c.state === 'incoming' || c.state === 'waiting') && this.st.callState === 'IDLE') this.call('incoming', c.number);
        break;
      }
      case 'sim-state':
        if (e.state !== 'READY') conn.lose(new ConnectionLost(`SIM state changed to ${e.state}`, false));
        break;
      case 'modem-ready':
        // The modem restarted on its own (boot URCs such as RDY): bring it up again from the start.
        if (this.st.lifecycle !== 'probe') conn.lose(new ConnectionLost('modem restarted by itself', false));
        break;
      default:
        break;
    }
    this.notify('modem-event', e);
  }

  // ---------------------------------------------------------------- helpers

  private call(ev: CallEvent, number?: string | null): void {
    const from = this.st.callState;
    const to = callTransition(from, ev);
    const now = this.now();
    if (from === 'IDLE' && to !== 'IDLE') this.callInfo = { startedAt: now, alerted: false, answeredAt: null, endReason: null };
    const info = this.callInfo;
    if (info && to === 'ALERTING') info.alerted = true;
    if (info && to === 'CONNECTED' && info.answeredAt === null) info.answeredAt = now;
    if (from === 'CONNECTED' && to === 'IDLE') this.lastConnectedEnd = now;
    const callNumber = this.st.callNumber;
    this.update({ callState: to, callNumber: to === 'IDLE' ? null : number ?? this.st.callNumber });
    if (from === 'IDLE' && to !== 'IDLE') {
      this.current = new Call({
        id: `${this.id}:${now}`,
        direction: ev === 'incoming' ? 'in' : 'out',
        origin: ev === 'incoming' ? 'network' : 'api',
        gsm: { line: this.id, slot: this.st.slot, iccid: this.st.sim.iccid, number: number ?? null, cause: null },
        at: now,
      });
    }
    const current = this.current;
    if (!current) return;
    if (number && !current.gsm.number) current.gsm.number = number;
    current.apply(ev, now);
    if (to === 'IDLE') {
      current.gsm.cause = info?.endReason ?? null;
      this.current = null;
    }
    if (from === to) return;
    const detail: LineCallEvent = { call: current, from, to, event: ev, number: to === 'IDLE' ? callNumber : this.st.callNumber };
    if (info) detail.startedAt = info.startedAt;
    if (to === 'IDLE' && info) {
      detail.alerted = info.alerted;
      detail.answeredAt = info.answeredAt;
      detail.durationSec = info.answeredAt === null ? 0 : Math.round((now - info.answeredAt) / 1000);
      detail.endReason = info.endReason;
      this.callInfo = null;
    }
    this.notify('call', detail);
  }

  private requireReady(): ModemDriver {
    const d = this.driver;
    if (!d || this.st.lifecycle !== 'registered') throw new Error(`line ${this.id} is not ready (${this.st.health}${this.st.detail ? `: ${this.st.detail}` : ''})`);
    return d;
  }

  private clearRadio(): void {
    this.update({ reg: 'N', signal: 99, signalDbm: null, operator: null, plmn: null, volte: null });
  }

  private update(patch: Partial<LineStatus>): void {
    if (this.switching) patch = this.duringSwitch(this.switching, patch);
    const before = this.st.health;
    const lifecycleBefore = this.st.lifecycle;
    Object.assign(this.st, patch);
    if (patch.health && patch.health !== before) {
      this.log.info({ health: patch.health, detail: this.st.detail }, 'line health');
      this.notify('health', patch.health as Health, before);
    }
    if (patch.lifecycle && patch.lifecycle !== lifecycleBefore) this.notify('lifecycle', patch.lifecycle as Lifecycle);
    this.notify('status');
  }

  /** While a slot change is under way its steps show as `switching`; a real problem or the grace period ends it. */
  private duringSwitch(change: SlotChange, patch: Partial<LineStatus>): Partial<LineStatus> {
    const health = patch.health ?? this.st.health;
    if (this.now() - change.since > this.timing.switchGraceMs) {
      this.switching = null;
      this.log.warn({ from: change.from, to: change.to, health }, 'SIM slot change is taking too long; showing the line as it is');
      return patch;
    }
    if (!SlotChange.isStep(health, patch.sim?.state ?? this.st.sim.state)) {
      this.switching = null;
      return patch;
    }
    return { ...patch, health: 'switching', detail: change.detail() };
  }

  /** emit(), but a listener that throws is logged instead of breaking the line. */
  private notify(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
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

/** Why Line.sendSms failed; `definite` = nothing went out (safe to try another line). */
export class SmsSendError extends Error {
  constructor(
    message: string,
    /** Parts the modem accepted before the failure. */
    readonly sentParts: number,
    readonly definite: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SmsSendError';
  }
}

/** +CME ERROR: 16 "incorrect password" (TS 27.007 §9.2.1): the SIM refused the PIN itself. */
function isWrongPassword(e: unknown): boolean {
  if (!(e instanceof AtCommandError)) return false;
  const f = e.final;
  return f.kind === 'CME ERROR' && (f.code === 16 || /incorrect password/i.test(f.text ?? ''));
}

export type { CallState };
