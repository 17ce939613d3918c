/**
 * USSD for the operator and for own-number discovery (manual §5.4 "发送 USSD", §5.11): one dialogue per
 * line (UssdSession), driven through the line's USSD capability (AT+CUSD, 3GPP TS 27.007 §7.15) and fed
 * with the line's +CUSD result codes.
 *
 * - send(line, code) sends a service code and resolves with the network's reply: `done` (<m>=0),
 *   `menu` (<m>=1, the network waits for reply()), `terminated`, `timeout` or `error`. The reply is
 *   awaited whether it comes before the OK of AT+CUSD=1 or long after it; with none in time the
 *   dialogue is closed with AT+CUSD=2 (a modem left in an open dialogue refuses the next one).
 * - A second send() while a request still waits for its reply fails with UssdError 'busy'. A send()
 *   while a menu is open closes that menu first (AT+CUSD=2), as dialling a new code on a handset does,
 *   so a forgotten menu never blocks the line.
 * - reply(line, text) answers the open menu; cancel(line) closes the dialogue (AT+CUSD=2, the manual's
 *   "断开"); session(line) tells the state and the last text.
 * - Texts are decoded by their <dcs> (TS 23.038 §5): GSM 7-bit as text or as packed hex, UCS2 hex,
 *   8-bit hex (src/gsm/ussd.ts).
 */
import type { UssdCapability } from '../../modem-drivers/capabilities.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import type { LineEvents, Listener } from '../events.js';
import { decodeUssd, type UssdDecodeOptions } from '../gsm/ussd.js';
import type { UssdConfig } from '../config/schema-messaging.js';
import type { Logger } from '../util/log.js';
import { UssdSession, type UssdResult, type UssdSnapshot } from './ussd-session.js';

/** The network waits seconds for a USSD reply; a timeout below this cuts real replies off. */
export const MIN_USSD_TIMEOUT_SEC = 15;

/** What a USSD string may hold (the modem gets it as it is inside AT+CUSD=1,"…"). */
export const USSD_INPUT = /^[0-9*#+]{1,160}$/;

/** The part of a Line this service uses (src/line/line.ts). */
export interface UssdLine {
  readonly id: number;
  /** The USSD capability while the line is registered; throws otherwise. */
  capability(name: 'ussd'): UssdCapability;
  on(event: 'modem-event', listener: Listener<LineEvents, 'modem-event'>): unknown;
  on(event: 'lifecycle', listener: Listener<LineEvents, 'lifecycle'>): unknown;
  off(event: 'modem-event', listener: Listener<LineEvents, 'modem-event'>): unknown;
  off(event: 'lifecycle', listener: Listener<LineEvents, 'lifecycle'>): unknown;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface UssdServiceOptions {
  getLine(id: number): UssdLine | undefined;
  config: UssdConfig;
  log: Logger;
  now?: () => number;
  timers?: Timers;
  /** How <str> arrives on this line's modem, when known (TE character set, packed hex); default: guessed. */
  decode?: (lineId: number) => UssdDecodeOptions;
}

export type UssdErrorCode = 'invalid' | 'no-line' | 'not-ready' | 'busy' | 'no-menu';

export class UssdError extends Error {
  constructor(
    readonly code: UssdErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UssdError';
  }
}

/** The result of send() and reply(). */
export type UssdSendResult = UssdResult;

export interface UssdSessionView extends UssdSnapshot {
  line: number;
}

interface Pending {
  seq: number;
  resolve: (r: UssdResult) => void;
  timer: unknown;
}

interface LineRec {
  line: UssdLine;
  session: UssdSession;
  pending: Pending | null;
  detach: () => void;
}

export class UssdService {
  private readonly recs = new Map<number, LineRec>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly timers: Timers;

  constructor(private readonly o: UssdServiceOptions) {
    this.log = o.log;
    this.now = o.now ?? Date.now;
    this.timers = o.timers ?? REAL_TIMERS;
  }

  /** Default wait for a reply: ussd.timeoutSec, never below MIN_USSD_TIMEOUT_SEC. */
  get defaultTimeoutMs(): number {
    const sec = Number.isFinite(this.o.config.timeoutSec) ? this.o.config.timeoutSec : MIN_USSD_TIMEOUT_SEC;
    return Math.max(MIN_USSD_TIMEOUT_SEC, sec) * 1000;
  }

  /**
   * Follows a line's +CUSD result codes and lifecycle. Call for every line when it is created, so a
   * network-initiated USSD is seen too; send() attaches a line it has not seen. Idempotent.
   */
  attach(line: UssdLine): () => void {
    const have = this.recs.get(line.id);
    if (have && have.line === line) return have.detach;
    have?.detach();
    const onEvent = (e: ModemEvent) => {
      if (e.type === 'ussd') this.onUssd(rec, e);
    };
    // Back to probe/enable: the modem connection was lost or the modem restarted, and with it the
    // dialogue. A registration that drops for a moment (sim-ready) is left to the network's reply or
    // the timeout: the dialogue may well survive it.
    const onLifecycle: Listener<LineEvents, 'lifecycle'> = (l) => {
      if (l === 'probe' || l === 'enable') this.onLost(rec, `line ${line.id} lost its modem connection (${l})`);
    };
    line.on('modem-event', onEvent);
    line.on('lifecycle', onLifecycle);
    const rec: LineRec = {
      line,
      session: new UssdSession(),
      pending: null,
      detach: () => {
        line.off('modem-event', onEvent);
        line.off('lifecycle', onLifecycle);
        if (this.recs.get(line.id) === rec) this.recs.delete(line.id);
        this.onLost(rec, 'USSD service detached');
      },
    };
    this.recs.set(line.id, rec);
    return rec.detach;
  }

  /** Detaches every line; requests still waiting resolve as errors. */
  close(): void {
    for (const r of [...this.recs.values()]) r.detach();
  }

  /**
   * Sends a service code (e.g. "*100#") and resolves with the reply. Rejects with UssdError: 'invalid'
   * (not digits, *, #, +), 'no-line', 'not-ready' (line not registered), 'busy' (a request waits).
   */
  async send(lineId: number, code: string, opts: { timeoutMs?: number } = {}): Promise<UssdSendResult> {
    const input = this.checkInput(code, 'code');
    const timeoutMs = this.checkTimeout(opts.timeoutMs);
    const rec = this.rec(lineId);
    const ussd = this.ussdOf(rec);
    const s = rec.session;
    if (s.state === 'waiting') {
      throw new UssdError('busy', `line ${lineId}: a USSD request (${s.snapshot().request?.input ?? '?'}) is still waiting for its reply; cancel it first`);
    }
    const closeFirst = s.state === 'menu';
    if (closeFirst) s.cancelled(this.now(), 'closed for a new request');
    const seq = s.begin(input, 'code', this.now());
    this.log.info({ line: lineId, code: input }, 'USSD request');
    return this.run(rec, ussd, seq, input, closeFirst, timeoutMs);
  }

  /** Answers the open menu (AT+CUSD=1,"<text>"). Rejects with UssdError 'no-menu' when none is open. */
  async reply(lineId: number, text: string, opts: { timeoutMs?: number } = {}): Promise<UssdSendResult> {
    const input = this.checkInput(text, 'answer');
    const timeoutMs = this.checkTimeout(opts.timeoutMs);
    const rec = this.rec(lineId);
    const ussd = this.ussdOf(rec);
    const s = rec.session;
    if (s.state === 'waiting') throw new UssdError('busy', `line ${lineId}: the USSD request is still waiting for its reply`);
    if (s.state !== 'menu') throw new UssdError('no-menu', `line ${lineId}: no USSD menu is open to answer`);
    const seq = s.begin(input, 'answer', this.now());
    this.log.info({ line: lineId }, 'USSD menu answer');
    return this.run(rec, ussd, seq, input, false, timeoutMs);
  }

  /**
   * Closes the line's dialogue with AT+CUSD=2 (also when none seems open: the modem may think
   * otherwise). A request still waiting resolves as `terminated` ("cancelled").
   */
  async cancel(lineId: number): Promise<UssdSessionView> {
    const rec = this.rec(lineId);
    const ended = rec.session.cancelled(this.now());
    if (ended) this.settle(rec, ended.seq, ended.result);
    let ussd: UssdCapability | null = null;
    try {
      ussd = rec.line.capability('ussd');
    } catch {
      // not registered: no dialogue can be open on the network side
    }
    if (ussd) {
      await ussd.cancel().catch((e: unknown) => this.log.warn({ line: lineId, err: (e as Error).message }, 'AT+CUSD=2 failed'));
    }
    return this.session(lineId);
  }

  /** The line's dialogue: state, the request waiting, the last reply. */
  session(lineId: number): UssdSessionView {
    return { line: lineId, ...this.rec(lineId).session.snapshot() };
  }

  // ------------------------------------------------------------------------------------------------

  private checkInput(value: unknown, what: 'code' | 'answer'): string {
    const s = typeof value === 'string' ? value.trim() : '';
    if (!USSD_INPUT.test(s)) {
      throw new UssdError('invalid', `${what === 'code' ? 'USSD code' : 'menu answer'}: expected 1 to 160 of the characters 0-9 * # +, got ${JSON.stringify(value)}`);
    }
    return s;
  }

  private checkTimeout(ms: number | undefined): number {
    if (ms === undefined) return this.defaultTimeoutMs;
    if (!Number.isFinite(ms) || ms <= 0) throw new UssdError('invalid', `timeout: expected a positive number of milliseconds, got ${String(ms)}`);
    return ms;
  }

  private rec(lineId: number): LineRec {
    const line = this.o.getLine(lineId);
    if (!line) throw new UssdError('no-line', `no line ${lineId}`);
    const have = this.recs.get(lineId);
    if (have && have.line === line) return have;
    this.attach(line);
    return this.recs.get(lineId)!;
  }

  private ussdOf(rec: LineRec): UssdCapability {
    try {
      return rec.line.capability('ussd');
    } catch (e) {
      throw new UssdError('not-ready', (e as Error).message);
    }
  }

  private run(rec: LineRec, ussd: UssdCapability, seq: number, input: string, closeFirst: boolean, timeoutMs: number): Promise<UssdResult> {
    return new Promise<UssdResult>((resolve) => {
      const timer = this.timers.setTimeout(() => this.onTimeout(rec, seq, timeoutMs), timeoutMs);
      rec.pending = { seq, resolve, timer };
      const go = async () => {
        if (closeFirst) await ussd.cancel().catch((e: unknown) => this.log.warn({ line: rec.line.id, err: (e as Error).message }, 'AT+CUSD=2 failed'));
        await ussd.send(input);
      };
      go().then(
        // The OK; the reply may already have come, or comes later as a +CUSD.
        () => rec.session.accepted(seq),
        (e: unknown) => {
          const r = rec.session.failed(seq, `the modem refused the USSD request: ${(e as Error).message}`, this.now());
          if (r) {
            this.log.warn({ line: rec.line.id, err: (e as Error).message }, 'USSD request refused');
            this.settle(rec, seq, r);
          }
        },
      );
    });
  }

  private onTimeout(rec: LineRec, seq: number, timeoutMs: number): void {
    const r = rec.session.timedOut(seq, this.now());
    if (!r) return;
    this.log.warn({ line: rec.line.id, timeoutMs }, 'no USSD reply in time; closing the dialogue (AT+CUSD=2)');
    rec.session.cancelled(this.now());
    this.settle(rec, seq, r);
    let ussd: UssdCapability;
    try {
      ussd = rec.line.capability('ussd');
    } catch {
      return;
    }
    ussd.cancel().catch((e: unknown) => this.log.warn({ line: rec.line.id, err: (e as Error).message }, 'AT+CUSD=2 after a timeout failed'));
  }

  private onUssd(rec: LineRec, e: Extract<ModemEvent, { type: 'ussd' }>): void {
    const text = this.decode(rec.line.id, e.str, e.dcs);
    const got = rec.session.received({ m: e.m, text, dcs: e.dcs }, this.now());
    if (got.kind === 'answer') {
      this.log.info({ line: rec.line.id, m: e.m, state: got.result.state }, 'USSD reply');
      this.settle(rec, got.seq, got.result);
    } else if (got.kind === 'unsolicited') {
      this.log.info({ line: rec.line.id, m: e.m, state: rec.session.state }, 'USSD from the network (no request waiting)');
    } else {
      this.log.debug({ line: rec.line.id, m: e.m, reason: got.reason }, 'USSD result code ignored');
    }
  }

  private onLost(rec: LineRec, reason: string): void {
    const ended = rec.session.lost(reason, this.now());
    if (ended) this.settle(rec, ended.seq, ended.result);
  }

  private settle(rec: LineRec, seq: number, result: UssdResult): void {
    const p = rec.pending;
    if (!p || p.seq !== seq) return;
    rec.pending = null;
    this.timers.clearTimeout(p.timer);
    p.resolve(result);
  }

  /** <str> by <dcs> (TS 23.038 §5; an absent <dcs> is taken as 15, GSM 7-bit). Never throws. */
  private decode(lineId: number, str: string | null, dcs: number | null): string | null {
    if (str === null) return null;
    try {
      return decodeUssd(str, dcs ?? 15, this.o.decode?.(lineId) ?? {}).text;
    } catch (e) {
      this.log.warn({ line: lineId, err: (e as Error).message }, 'USSD text not decodable; kept as received');
      return str;
    }
  }
}
