/**
 * The outbound SMS scheduler: takes queued messages from the durable outbox and gives each to a line.
 *
 * A line takes a message when it is registered and healthy, not already sending, its minimum send
 * interval (manual §4.10 "发送间隔") has passed, it is not reading received SMS or status reports off
 * the modem (for at most RECEIVE_FIRST_MAX_MS), and the SIM policy lets its bound SIM send (limits).
 * A message goes only to the lines it allows (prefix routing, an SMPP per-line id, an API choice), and
 * not back to a line it already failed on while another allowed line has not been tried. Among the
 * lines that may take it, the one that was given a message longest ago gets it (round robin).
 *
 * Every send is bracketed by durable status changes: `sending` is written before AT+CMGS and `sent`
 * (with the TP-MR of every part) after the modem's answer. The outcome of a failure decides what
 * happens next:
 * - the modem refused the first part (+CMS ERROR) or the line was not ready: nothing went out, so
 *   the message is queued again for another line, until `maxAttempts`;
 * - the modem stopped answering or the port went away after AT+CMGS: the message may have gone out.
 *   It becomes `unknown` and is not resent, unless `resendUnknown` is configured (then it is queued
 *   again, knowingly risking a duplicate, until `maxAttempts`);
 * - some parts of a long message went out and a later one was refused: `failed`, not resent (a resend
 *   would duplicate the parts that went).
 *
 * Store writes are batched: the outcomes of the sends that finished and the `sending` marks of the
 * sends about to start are written in one transaction per pass (one fsync), and a pass runs from
 * setImmediate so that the sends finishing in the same turn share it.
 */
import { EventEmitter } from 'node:events';
import { MAX_RELATIVE_VALIDITY_MINUTES } from '../gsm/validity.js';
import type { Logger } from '../util/log.js';
import type { SmsSchedulerEvents } from '../events.js';
import type { MessageStore, OutboundMessage } from '../store/message-store.js';
import type { LineEvents, Listener } from '../events.js';
import type { LineStatus } from '../line/types.js';
import type { SmsConfig } from '../config/schema-messaging.js';

/** What the scheduler needs of a line (Line implements it). */
export interface SendingLine {
  readonly id: number;
  status(): LineStatus;
  sendSms(to: string, text: string, opts?: { smsc?: string; requestStatusReport?: boolean; validityMinutes?: number }): Promise<{ parts: number; references: number[] }>;
  on(event: 'lifecycle', fn: Listener<LineEvents, 'lifecycle'>): unknown;
  off?(event: 'lifecycle', fn: Listener<LineEvents, 'lifecycle'>): unknown;
}

export interface SchedulerOptions {
  store: MessageStore;
  lines: () => SendingLine[];
  /** The SIM policy's verdict for the line's bound SIM. */
  maySend?: (lineId: number) => { ok: true } | { ok: false; reason: string };
  config: () => SmsConfig;
  log: Logger;
  now?: () => number;
  /**
   * Whether the line is reading what it received (SMS, status reports) off the modem: such a line is
   * not given a message until that is done (call wake() then), for at most RECEIVE_FIRST_MAX_MS. Without
   * it, on a line that sends without a pause each read waits behind one AT+CMGS per command, reports and
   * SMS arrive faster than they are read, and the modem's small memories fill ("SR" holds 50 status
   * reports on an EC25, "ME" 23 SMS on a SIM7600): what arrives then is lost, and sent messages never
   * become `delivered`.
   */
  receiving?: (lineId: number) => boolean;
}

/** Longest a line waits for its receiver before it sends again (a receiver must not stop sending). */
export const RECEIVE_FIRST_MAX_MS = 10_000;

interface LineState {
  busy: boolean;
  lastSentAt: number;
  sent: number;
  failed: number;
  /** When the line was last given a message (a pick counter): the smallest goes first. */
  lastPick: number;
  /** Since when the line has been kept from sending because it is receiving (0: it is not). */
  receivingSince: number;
}

/** A send that finished, waiting for the next pass to record it. */
type Outcome = { m: OutboundMessage; line: SendingLine; ok: true; references: number[]; parts: number } | { m: OutboundMessage; line: SendingLine; ok: false; error: unknown };

/** Something a pass did, applied (counted, emitted) once its transaction committed. */
interface Event {
  stat?: 'sent' | 'failed' | 'requeued' | 'unknown' | 'expired';
  emit?: { [K in keyof SmsSchedulerEvents]: [K, ...SmsSchedulerEvents[K]] }[keyof SmsSchedulerEvents];
}

/** Queued messages read per query while looking for work for the free lines: a few per free line. */
const QUEUE_PAGE_PER_LINE = 4;
const QUEUE_PAGE_MAX = 64;
/** Without any event, look at a non-empty queue again this often (policy windows open, days change). */
const RELOOK_MS = 2000;

export class SmsScheduler extends EventEmitter<SmsSchedulerEvents> {
  private readonly st = new Map<number, LineState>();
  private running = false;
  private pumping = false;
  private again = false;
  private scheduled = false;
  private picks = 0;
  private outcomes: Outcome[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lineWatch = new Map<SendingLine, Listener<LineEvents, 'lifecycle'>>();
  private readonly now: () => number;
  readonly stats = { sent: 0, failed: 0, requeued: 0, unknown: 0, expired: 0 };

  constructor(private readonly o: SchedulerOptions) {
    super();
    this.now = o.now ?? Date.now;
  }

  /** Recovers messages a crash left in `sending`, then starts taking the queue. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const interrupted = this.o.store.recoverInterrupted(this.o.config().resendUnknown);
    if (interrupted.length) {
      this.o.log.warn({ messages: interrupted.map((m) => m.id), resent: this.o.config().resendUnknown }, 'messages were being sent when cellgate stopped; their outcome is unknown');
    }
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [line, fn] of this.lineWatch) line.off?.('lifecycle', fn);
    this.lineWatch.clear();
    await Promise.allSettled([...this.inFlight]);
    // Record the outcomes of the sends that were in flight before the caller closes the store.
    this.pump();
  }

  /** Something changed (a message queued, a line came up): look at the queue again. */
  wake(): void {
    if (!this.running && this.outcomes.length === 0) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: sends finishing in the same turn are recorded in one pass.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  lineStats(): Record<string, { busy: boolean; sent: number; failed: number; lastSentAt: number | null }> {
    return Object.fromEntries([...this.st].map(([id, s]) => [String(id), { busy: s.busy, sent: s.sent, failed: s.failed, lastSentAt: s.lastSentAt || null }]));
  }

  private state(id: number): LineState {
    let s = this.st.get(id);
    if (!s) this.st.set(id, (s = { busy: false, lastSentAt: 0, sent: 0, failed: 0, lastPick: 0, receivingSince: 0 }));
    return s;
  }

  private pump(): void {
    if (this.pumping || (!this.running && this.outcomes.length === 0)) return;
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.pumpOnce();
      } while (this.again && (this.running || this.outcomes.length > 0));
    } catch (e) {
      this.o.log.error({ err: e }, 'SMS scheduler failed; retrying in 5 s');
      this.armTimer(this.now() + 5000);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * One pass: record the outcomes of finished sends, expire, then give free lines queued messages.
   * The outcomes and the new `sending` marks are one transaction; events follow its commit.
   */
  private pumpOnce(): void {
    const cfg = this.o.config();
    const now = this.now();
    const events: Event[] = [];
    const starts: Array<{ m: OutboundMessage; line: SendingLine }> = [];
    const outcomes = this.outcomes;
    this.outcomes = [];
    let planError: unknown = null;
    try {
      this.o.store.batch(() => {
        for (const o of outcomes) this.recordOutcome(o, cfg, events);
        if (!this.running) return;
        const recorded = events.length;
        try {
          this.o.store.batch(() => this.plan(cfg, now, starts, events));
        } catch (e) {
          // The plan's savepoint is rolled back; the outcomes above are still committed.
          planError = e;
          starts.length = 0;
          events.length = recorded;
        }
      });
    } catch (e) {
      // COMMIT failed: nothing of the pass is kept. The outcomes are recorded at the next pass (their
      // writes are conditional on `sending`, so repeating them is harmless).
      this.outcomes = [...outcomes, ...this.outcomes];
      throw e;
    }
    // The sends first: they are `sending` durably now, whatever a listener below does.
    for (const { m, line } of starts) this.startSend(m, line, cfg);
    for (const ev of events) {
      if (ev.stat) this.stats[ev.stat]++;
      if (!ev.emit) continue;
      try {
        if (ev.emit[0] === 'sent') this.emit('sent', ev.emit[1]);
        else this.emit('final');
      } catch (e) {
        this.o.log.error({ err: e, event: ev.emit[0] }, 'an SMS scheduler listener failed');
      }
    }
    if (planError) throw planError;
  }

  private plan(cfg: SmsConfig, now: number, starts: Array<{ m: OutboundMessage; line: SendingLine }>, events: Event[]): void {
    const expired = this.o.store.expireQueued(now);
    for (let i = 0; i < expired; i++) events.push({ stat: 'expired' });
    if (expired) events.push({ emit: ['final'] });
    const all = this.o.lines();
    for (const l of all) this.watch(l);
    const registered = all.filter((l) => usable(l.status()));
    let nextAt = Infinity;
    const free: SendingLine[] = [];
    /** Lines the SIM policy refuses now (a limit can last days): not worth waiting for in pickLine. */
    const refused = new Set<number>();
    for (const l of registered) {
      const s = this.state(l.id);
      if (s.busy) continue;
      const readyAt = s.lastSentAt + cfg.sendIntervalSec * 1000;
      if (readyAt > now) {
        nextAt = Math.min(nextAt, readyAt);
        continue;
      }
      // What the line received goes first (see SchedulerOptions.receiving); the receiver's idle wakes us.
      if (this.o.receiving?.(l.id)) {
        if (s.receivingSince === 0) s.receivingSince = now;
        const until = s.receivingSince + RECEIVE_FIRST_MAX_MS;
        if (until > now) {
          nextAt = Math.min(nextAt, until);
          continue;
        }
      } else {
        s.receivingSince = 0;
      }
      const ok = this.o.maySend?.(l.id) ?? { ok: true };
      if (!ok.ok) {
        refused.add(l.id);
        continue;
      }
      free.push(l);
    }
    const registeredIds = new Set(registered.filter((l) => !refused.has(l.id)).map((l) => l.id));
    let cursor = 0;
    while (free.length > 0) {
      const batch = this.o.store.queued(Math.min(QUEUE_PAGE_MAX, free.length * QUEUE_PAGE_PER_LINE), cursor);
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1]!.seq;
      for (const m of batch) {
        if (free.length === 0) break;
        if (m.notBefore !== null && m.notBefore > now) {
          nextAt = Math.min(nextAt, m.notBefore);
          continue;
        }
        const idx = this.pickLine(m, free, registeredIds);
        if (idx < 0) continue;
        const line = free[idx]!;
        const st = line.status();
        // Durable before AT+CMGS (committed with the rest of this pass before the send starts).
        if (!this.o.store.markSending(m.id, String(line.id), st.slot ?? null, st.sim?.iccid ?? null)) continue;
        free.splice(idx, 1);
        const ls = this.state(line.id);
        ls.lastPick = ++this.picks;
        ls.receivingSince = 0;
        starts.push({ m: { ...m, attempts: m.attempts + 1 }, line });
      }
    }
    // Messages still queued (lines busy, refused by the SIM policy, down): look again in a while even
    // when no event comes (a policy window opening, a new day).
    if (nextAt === Infinity && this.o.store.queuedCount() > 0) nextAt = now + RELOOK_MS;
    if (nextAt < Infinity) this.armTimer(nextAt);
  }

  /**
   * Index in `free` of the line for `m`, or -1. Lines the message failed on are avoided while an
   * allowed registered line remains that it has not tried (`registered` leaves out the lines the SIM
   * policy refuses now: waiting for one of those could hold the message for as long as a limit lasts).
   */
  private pickLine(m: OutboundMessage, free: SendingLine[], registered: Set<number>): number {
    const allowed = (id: number) => m.lines === null || m.lines.includes(id);
    const tried = new Set(m.tried);
    const untriedExists = [...registered].some((id) => allowed(id) && !tried.has(String(id)));
    let best = -1;
    for (let i = 0; i < free.length; i++) {
      const id = free[i]!.id;
      if (!allowed(id)) continue;
      if (untriedExists && tried.has(String(id))) continue;
      if (best < 0 || this.state(id).lastPick < this.state(free[best]!.id).lastPick) best = i;
    }
    return best;
  }

  /** `m` is already `sending` on `line` (durably). */
  private startSend(m: OutboundMessage, line: SendingLine, cfg: SmsConfig): void {
    const s = this.state(line.id);
    s.busy = true;
    const p = this.send(m, line, cfg).finally(() => {
      s.busy = false;
      s.lastSentAt = this.now();
      this.inFlight.delete(p);
      this.wake();
    });
    this.inFlight.add(p);
  }

  private async send(m: OutboundMessage, line: SendingLine, cfg: SmsConfig): Promise<void> {
    const s = this.state(line.id);
    let validityMinutes: number | undefined;
    if (m.expiresAt !== null) {
      // What is left of the client's validity period goes to the network as TP-VP (TS 23.040 §9.2.3.12).
      validityMinutes = Math.min(MAX_RELATIVE_VALIDITY_MINUTES, Math.max(1, Math.ceil((m.expiresAt - this.now()) / 60_000)));
    }
    try {
      const r = await line.sendSms(m.number, m.text, {
        ...(cfg.useSimSmsc || !cfg.smsc ? {} : { smsc: cfg.smsc }),
        ...(cfg.statusReports ? { requestStatusReport: true } : {}),
        ...(validityMinutes !== undefined ? { validityMinutes } : {}),
      });
      s.sent++;
      this.outcomes.push({ m, line, ok: true, references: r.references, parts: r.parts });
    } catch (e) {
      s.failed++;
      this.outcomes.push({ m, line, ok: false, error: e });
    }
  }

  /**
   * Writes the outcome of a finished send (inside the pass's transaction, in a savepoint of its own):
   * when the store refuses it (a throwing final hook, ...) the message stays `sending` and start-up
   * recovery decides about it; the other outcomes are kept.
   */
  private recordOutcome(o: Outcome, cfg: SmsConfig, events: Event[]): void {
    const lineId = String(o.line.id);
    const mine: Event[] = [];
    try {
      this.o.store.batch(() => {
        if (o.ok) {
          this.o.store.markSent(o.m.id, lineId, o.references);
          this.o.log.debug({ id: o.m.id, line: o.line.id, parts: o.parts, refs: o.references }, 'SMS sent');
          mine.push({ stat: 'sent', emit: ['sent', o.m.id] });
        } else {
          this.onSendError(o.m, lineId, o.error, cfg, mine);
        }
      });
      events.push(...mine);
    } catch (se) {
      this.o.log.error({ err: se, id: o.m.id }, 'cannot record the outcome of an SMS; it stays in `sending`');
    }
  }

  /** `m.attempts` counts the attempt that failed. */
  private onSendError(m: OutboundMessage, lineId: string, e: unknown, cfg: SmsConfig, events: Event[]): void {
    const err = (typeof e === 'object' && e !== null ? e : {}) as { message?: unknown; definite?: boolean; sentParts?: number };
    const message = typeof err.message === 'string' ? err.message : String(e);
    const reason = `line ${lineId}: ${message}`;
    const tried = [...new Set([...m.tried, lineId])];
    const exhausted = m.attempts >= cfg.maxAttempts;
    if (err.definite === true) {
      if (exhausted) {
        this.o.store.finish(m.id, 'failed', `${reason} (after ${m.attempts} attempts)`, ['sending']);
        events.push({ stat: 'failed', emit: ['final'] });
      } else {
        this.o.store.requeue(m.id, tried, reason, cfg.retryDelaySec > 0 ? this.now() + cfg.retryDelaySec * 1000 : null);
        events.push({ stat: 'requeued' });
      }
    } else if ((err.sentParts ?? 0) > 0) {
      this.o.store.finish(m.id, 'failed', `${reason}; ${err.sentParts} of ${m.parts} parts had gone out, not resent`, ['sending']);
      events.push({ stat: 'failed', emit: ['final'] });
    } else if (cfg.resendUnknown && !exhausted) {
      this.o.store.requeue(m.id, tried, `${reason}; outcome unknown, resent as configured (sms.resendUnknown)`);
      events.push({ stat: 'requeued' });
    } else {
      const why = cfg.resendUnknown ? `not resent again after ${m.attempts} attempts` : 'not resent (sms.resendUnknown is off)';
      this.o.store.finish(m.id, 'unknown', `${reason}; the modem may have sent it, ${why}`, ['sending']);
      events.push({ stat: 'unknown', emit: ['final'] });
    }
    this.o.log.warn({ id: m.id, line: lineId, err: message, definite: err.definite ?? false }, 'SMS not sent');
  }

  private watch(l: SendingLine): void {
    if (this.lineWatch.has(l)) return;
    const fn: Listener<LineEvents, 'lifecycle'> = (lc) => {
      if (lc === 'registered') this.wake();
    };
    this.lineWatch.set(l, fn);
    l.on('lifecycle', fn);
  }

  private armTimer(at: number): void {
    if (!this.running) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, Math.max(0, at - this.now()));
    this.timer.unref?.();
  }
}

/** A line that may be given a message: registered, enabled and healthy. */
function usable(st: LineStatus): boolean {
  return st.lifecycle === 'registered' && st.enabled !== false && (st.health ?? 'ok') === 'ok';
}
