/**
 * Learning the own number of a SIM (manual §5.11 "获取电话号码"). When a line has bound a SIM and
 * registered, the number is taken from the SIM (AT+CNUM, 3GPP TS 27.007 §7.1); a SIM that does not
 * hold it is asked about, in this order, each step with `ownNumber.timeoutSec` and the next step tried
 * when one fails:
 *
 *   ussd       send `ownNumber.ussd.code` (e.g. "*#100#") and take the number after `marker` in the reply;
 *   sms-query  send `text` to `to`, wait for an SMS from `replyFrom` on this line holding `marker`, take
 *              the number after it (the reply is consumed, not forwarded);
 *   discovery  send a signed, encrypted discovery SMS (own-number-text.ts) to a line whose number is
 *              known; the line that receives it learns the sender's number (the SMS originating address)
 *              for the ICCID inside.
 *
 * What is learned is stored per ICCID (MessageStore.setOwnNumber) and never asked again: a SIM known
 * in the store is not queried, on this line or any other, after a restart too. A number typed by the
 * operator (method 'manual') is never replaced. Automatic attempts for the same SIM are at least
 * `retryAfterMs` apart (the SMS steps cost messages); learnNow() asks at once.
 */
import type { LineEvents, Listener } from '../events.js';
import type { InboundMessage } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import type { UssdResult } from '../ussd/ussd-session.js';
import { REAL_TIMERS, type Timers } from '../ussd/ussd-service.js';
import type { OwnNumberConfig } from '../config/schema-messaging.js';
import { buildDiscoveryText, extractNumberAfterMarker, parseDiscoveryText } from './own-number-text.js';

export type OwnNumberMethod = 'sim' | 'ussd' | 'sms-query' | 'discovery' | 'manual';
export type OwnNumberStep = 'ussd' | 'sms-query' | 'discovery';

/** The part of MessageStore used here. */
export interface OwnNumberStore {
  ownNumber(iccid: string): { number: string; method: string; learnedAt: number } | undefined;
  setOwnNumber(iccid: string, number: string, method: string): void;
}

/** The part of a Line used here (src/line/line.ts). */
export interface OwnNumberLine {
  readonly id: number;
  on(event: 'lifecycle', listener: Listener<LineEvents, 'lifecycle'>): unknown;
  off(event: 'lifecycle', listener: Listener<LineEvents, 'lifecycle'>): unknown;
  status(): { lifecycle: string; sim: { iccid: string | null; number: string | null } };
}

/** The part of UssdService used here. */
export interface OwnNumberUssd {
  send(lineId: number, code: string, opts: { timeoutMs?: number }): Promise<UssdResult>;
  cancel(lineId: number): Promise<unknown>;
}

export interface OwnNumberOptions {
  config: OwnNumberConfig;
  store: OwnNumberStore;
  /** Every line (discovery looks for one whose number is known). */
  lines(): readonly OwnNumberLine[];
  ussd: OwnNumberUssd | null;
  /** Queues an SMS from line `lineId` (the outbound queue); resolves with the message id. */
  sendSms(lineId: number, to: string, text: string): Promise<string>;
  log: Logger;
  now?: () => number;
  timers?: Timers;
  /** Automatic attempts for one SIM at least this far apart (default 6 h). */
  retryAfterMs?: number;
  /** Wait after a line registered before asking (default 3 s: the network may refuse USSD at once). */
  startDelayMs?: number;
  /** A discovery text older or newer than this is refused as stale (default 24 h). */
  discoveryMaxAgeSec?: number;
}

export interface OwnNumberAttempt {
  at: number;
  ok: boolean;
  steps: { step: OwnNumberStep; ok: boolean; detail: string }[];
}

export interface OwnNumberStatus {
  line: number;
  iccid: string | null;
  number: string | null;
  method: OwnNumberMethod | null;
  learnedAt: number | null;
  /** The step in progress, or null. */
  step: OwnNumberStep | null;
  /** The latest attempt for this SIM (since the daemon started). */
  lastAttempt: OwnNumberAttempt | null;
}

export class OwnNumberError extends Error {
  constructor(
    readonly code: 'no-line' | 'not-ready' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'OwnNumberError';
  }
}

const DEFAULT_RETRY_MS = 6 * 3600_000;
const DEFAULT_START_DELAY_MS = 3000;
const DEFAULT_DISCOVERY_MAX_AGE_SEC = 24 * 3600;

/** ICCIDs as store keys: trimmed, upper case (filler digits F as +CCID shows them). */
export function normIccid(iccid: string): string {
  return iccid.trim().toUpperCase();
}

/** A phone number as stored: optional +, 3 to 20 digits. */
export const OWN_NUMBER = /^\+?[0-9]{3,20}$/;

/**
 * Whether two addresses are the same number: equal digits, or (for numbers of 7 digits or more) one
 * ending in the other, so "13800138000" matches "+8613800138000". Short codes must match exactly.
 */
export function sameNumber(a: string, b: string): boolean {
  const da = a.replace(/\D/g, '');
  const db = b.replace(/\D/g, '');
  if (da === '' || db === '') return false;
  if (da === db) return true;
  const [short, long] = da.length < db.length ? [da, db] : [db, da];
  return short.length >= 7 && long.endsWith(short);
}

interface Job {
  lineId: number;
  step: OwnNumberStep | null;
  promise: Promise<void>;
}

interface QueryWaiter {
  lineId: number;
  iccid: string;
  replyFrom: string;
  marker: string;
  resolve: (number: string) => void;
}

export class OwnNumberDiscovery {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly retryAfterMs: number;
  private readonly startDelayMs: number;
  private readonly maxAgeSec: number;
  private readonly jobs = new Map<string, Job>();
  private readonly attempts = new Map<string, OwnNumberAttempt>();
  /** ICCIDs whose discovery step found no line with a known number (retried when one appears). */
  private readonly noTarget = new Set<string>();
  private readonly queries = new Set<QueryWaiter>();
  /** Waiters for a number of an ICCID (discovery, manual entry). */
  private readonly learned = new Map<string, Set<() => void>>();
  private readonly attached = new Map<OwnNumberLine, () => void>();
  private readonly startTimers = new Map<number, unknown>();
  private closed = false;

  constructor(private readonly o: OwnNumberOptions) {
    this.log = o.log;
    this.now = o.now ?? Date.now;
    this.timers = o.timers ?? REAL_TIMERS;
    this.retryAfterMs = o.retryAfterMs ?? DEFAULT_RETRY_MS;
    this.startDelayMs = o.startDelayMs ?? DEFAULT_START_DELAY_MS;
    this.maxAgeSec = o.discoveryMaxAgeSec ?? DEFAULT_DISCOVERY_MAX_AGE_SEC;
  }

  /**
   * Follows a line: every time it registers, its SIM's number is made known (from the SIM, the store,
   * or by asking). Call for every line; a line already registered is handled at once. Idempotent.
   */
  attach(line: OwnNumberLine): () => void {
    const have = this.attached.get(line);
    if (have) return have;
    const onLifecycle: Listener<LineEvents, 'lifecycle'> = (l) => {
      if (l === 'registered') this.scheduleStart(line);
    };
    line.on('lifecycle', onLifecycle);
    const detach = () => {
      line.off('lifecycle', onLifecycle);
      this.attached.delete(line);
      const t = this.startTimers.get(line.id);
      if (t !== undefined) this.timers.clearTimeout(t);
      this.startTimers.delete(line.id);
    };
    this.attached.set(line, detach);
    if (line.status().lifecycle === 'registered') this.scheduleStart(line);
    return detach;
  }

  /** Stops following lines; steps waiting for a reply give up. */
  close(): void {
    this.closed = true;
    for (const d of [...this.attached.values()]) d();
    for (const q of [...this.queries]) q.resolve('');
    this.queries.clear();
    for (const set of this.learned.values()) for (const w of [...set]) w();
    this.learned.clear();
  }

  /** The line's SIM and its number as far as known, and what is being tried. */
  status(lineId: number): OwnNumberStatus {
    const line = this.line(lineId);
    const st = line.status();
    const iccid = st.sim.iccid ? normIccid(st.sim.iccid) : null;
    const stored = iccid ? this.o.store.ownNumber(iccid) : undefined;
    const job = iccid ? this.jobs.get(iccid) : undefined;
    const number = stored?.number ?? st.sim.number ?? null;
    return {
      line: lineId,
      iccid,
      number,
      method: stored ? (stored.method as OwnNumberMethod) : st.sim.number ? 'sim' : null,
      learnedAt: stored?.learnedAt ?? null,
      step: job?.step ?? null,
      lastAttempt: iccid ? (this.attempts.get(iccid) ?? null) : null,
    };
  }

  /**
   * Learns the number of the line's SIM now (the retry spacing does not apply). Resolves with the
   * status once known or every step failed; a number already known is returned at once. Rejects with
   * OwnNumberError when the line does not exist or is not registered with a SIM.
   */
  async learnNow(lineId: number): Promise<OwnNumberStatus> {
    await this.learn(this.readyLine(lineId), true);
    return this.status(lineId);
  }

  /**
   * Starts learnNow() and returns the status at once (with the step in progress). Throws
   * OwnNumberError like learnNow() when the line does not exist or is not registered with a SIM.
   */
  startLearning(lineId: number): OwnNumberStatus {
    this.learn(this.readyLine(lineId), true).catch((e: unknown) => this.log.error({ err: e, line: lineId }, 'own number: learning failed'));
    return this.status(lineId);
  }

  /** The operator's number for a SIM (method 'manual'); it ends any attempt for that SIM. */
  setManual(iccid: string, number: string): { iccid: string; number: string; method: 'manual' } {
    const id = normIccid(String(iccid));
    if (!/^[0-9A-F]{6,22}$/.test(id)) throw new OwnNumberError('invalid', `iccid: expected 6 to 22 digits (hex filler allowed), got ${JSON.stringify(iccid)}`);
    const n = typeof number === 'string' ? number.trim() : '';
    if (!OWN_NUMBER.test(n)) throw new OwnNumberError('invalid', `number: expected a phone number (3 to 20 digits, optional leading +), got ${JSON.stringify(number)}`);
    this.store(id, n, 'manual');
    return { iccid: id, number: n, method: 'manual' };
  }

  /**
   * An SMS received on a line (from the receiver, before forwarding). Returns true when it was for
   * this module and must not be forwarded: a valid discovery text (any line), or the reply of the
   * operator to an SMS query this line is waiting for. Never throws.
   */
  onInbound(msg: InboundMessage): boolean {
    try {
      return this.discoveryInbound(msg) || this.queryInbound(msg);
    } catch (e) {
      this.log.error({ err: e, line: msg?.line }, 'own number: inbound SMS check failed');
      return false;
    }
  }

  // ------------------------------------------------------------------------------------------------

  private readyLine(lineId: number): OwnNumberLine {
    const line = this.line(lineId);
    const st = line.status();
    if (st.lifecycle !== 'registered' || !st.sim.iccid) throw new OwnNumberError('not-ready', `line ${lineId} is not registered with a SIM (${st.lifecycle})`);
    return line;
  }

  private line(lineId: number): OwnNumberLine {
    const line = this.o.lines().find((l) => l.id === lineId);
    if (!line) throw new OwnNumberError('no-line', `no line ${lineId}`);
    return line;
  }

  private scheduleStart(line: OwnNumberLine): void {
    if (this.closed) return;
    const old = this.startTimers.get(line.id);
    if (old !== undefined) this.timers.clearTimeout(old);
    const t = this.timers.setTimeout(() => {
      this.startTimers.delete(line.id);
      this.onRegistered(line);
    }, this.startDelayMs);
    this.startTimers.set(line.id, t);
  }

  private onRegistered(line: OwnNumberLine): void {
    if (this.closed || line.status().lifecycle !== 'registered') return;
    this.learn(line, false).catch((e: unknown) => this.log.error({ err: e, line: line.id }, 'own number: learning failed'));
  }

  /** The number of this SIM if known: from the store, else from the SIM (then stored as 'sim'). */
  private known(iccid: string, simNumber: string | null): string | null {
    const stored = this.o.store.ownNumber(iccid);
    const sim = simNumber && OWN_NUMBER.test(simNumber.trim()) ? simNumber.trim() : null;
    if (stored) {
      // The SIM's entry changed (rewritten card): follow it, unless the number came from elsewhere.
      if (sim && stored.method === 'sim' && stored.number !== sim) this.store(iccid, sim, 'sim');
      return stored.method === 'sim' && sim ? sim : stored.number;
    }
    if (sim) {
      this.store(iccid, sim, 'sim');
      return sim;
    }
    return null;
  }

  private async learn(line: OwnNumberLine, force: boolean): Promise<void> {
    const st = line.status();
    if (st.lifecycle !== 'registered' || !st.sim.iccid) return;
    const iccid = normIccid(st.sim.iccid);
    if (this.known(iccid, st.sim.number) !== null) {
      // A line whose number is known can now receive discovery texts of the lines that found none.
      this.retryNoTarget(line.id);
      return;
    }
    const running = this.jobs.get(iccid);
    if (running) return running.promise;
    const last = this.attempts.get(iccid);
    if (!force && last && this.now() - last.at < this.retryAfterMs) {
      this.log.debug({ line: line.id, iccid }, 'own number: asked recently; not asking again yet');
      return;
    }
    const job: Job = { lineId: line.id, step: null, promise: Promise.resolve() };
    job.promise = this.runSteps(line, iccid, job).finally(() => {
      if (this.jobs.get(iccid) === job) this.jobs.delete(iccid);
    });
    this.jobs.set(iccid, job);
    return job.promise;
  }

  private async runSteps(line: OwnNumberLine, iccid: string, job: Job): Promise<void> {
    const attempt: OwnNumberAttempt = { at: this.now(), ok: false, steps: [] };
    this.attempts.set(iccid, attempt);
    this.noTarget.delete(iccid);
    const steps: [OwnNumberStep, () => Promise<string>][] = [];
    const c = this.o.config;
    if (c.ussd) steps.push(['ussd', () => this.viaUssd(line, c.ussd!)]);
    if (c.smsQuery) steps.push(['sms-query', () => this.viaSmsQuery(line, iccid, c.smsQuery!)]);
    if (c.discovery.enabled) steps.push(['discovery', () => this.viaDiscovery(line, iccid)]);
    if (steps.length === 0) {
      this.log.info({ line: line.id, iccid }, 'own number: not on the SIM and no way to ask is configured (ownNumber.ussd, smsQuery, discovery)');
      return;
    }
    this.log.info({ line: line.id, iccid, steps: steps.map((s) => s[0]) }, 'own number: not on the SIM; asking (manual §5.11)');
    for (const [step, run] of steps) {
      if (this.closed) return;
      // Learned meanwhile (a discovery text, the operator): done.
      if (this.o.store.ownNumber(iccid)) {
        attempt.ok = true;
        return;
      }
      // The line moved to another SIM (or lost its modem): this SIM cannot be asked through it any more.
      const now = line.status();
      if (now.lifecycle === 'probe' || now.lifecycle === 'enable' || !now.sim.iccid || normIccid(now.sim.iccid) !== iccid) {
        attempt.steps.push({ step, ok: false, detail: 'the line no longer has this SIM registered' });
        return;
      }
      job.step = step;
      let number: string;
      try {
        number = await run();
      } catch (e) {
        const detail = (e as Error).message;
        attempt.steps.push({ step, ok: false, detail });
        this.log.warn({ line: line.id, iccid, step, err: detail }, 'own number: step failed; trying the next');
        continue;
      } finally {
        job.step = null;
      }
      if (step !== 'discovery') this.store(iccid, number, step);
      attempt.steps.push({ step, ok: true, detail: number });
      attempt.ok = true;
      this.log.info({ line: line.id, iccid, number, method: step }, 'own number learned');
      this.retryNoTarget(line.id);
      return;
    }
    attempt.ok = this.o.store.ownNumber(iccid) !== undefined;
    if (!attempt.ok) this.log.warn({ line: line.id, iccid }, 'own number: every configured way failed; set it by hand (PUT /api/sims/:iccid/number) or try again later');
  }

  private get timeoutMs(): number {
    return Math.max(1, this.o.config.timeoutSec) * 1000;
  }

  private async viaUssd(line: OwnNumberLine, cfg: { code: string; marker: string }): Promise<string> {
    if (!this.o.ussd) throw new Error('no USSD service');
    const r = await this.o.ussd.send(line.id, cfg.code, { timeoutMs: this.timeoutMs });
    if (r.state === 'menu') {
      // A menu is not an answer: close it so the line's USSD is free again.
      await this.o.ussd.cancel(line.id).catch(() => {});
    }
    const number = r.text ? extractNumberAfterMarker(r.text, cfg.marker) : null;
    if (number) return number;
    const what = r.text ? `reply ${JSON.stringify(r.text.slice(0, 160))}` : `no text (${r.reason ?? r.state})`;
    throw new Error(`USSD ${cfg.code}: ${r.state}, ${what}; no number after ${JSON.stringify(cfg.marker)}`);
  }

  private async viaSmsQuery(line: OwnNumberLine, iccid: string, cfg: { to: string; text: string; replyFrom: string; marker: string }): Promise<string> {
    let waiter: QueryWaiter | null = null;
    const got = this.wait<string>(
      (resolve) => {
        waiter = { lineId: line.id, iccid, replyFrom: cfg.replyFrom, marker: cfg.marker, resolve };
        this.queries.add(waiter);
        return () => this.queries.delete(waiter!);
      },
      this.timeoutMs,
    );
    try {
      await this.o.sendSms(line.id, cfg.to, cfg.text);
    } catch (e) {
      waiter!.resolve('');
      await got;
      throw new Error(`SMS query to ${cfg.to} could not be sent: ${(e as Error).message}`);
    }
    const number = await got;
    if (!number) throw new Error(`no reply from ${cfg.replyFrom} with ${JSON.stringify(cfg.marker)} in ${this.o.config.timeoutSec} s`);
    return number;
  }

  private async viaDiscovery(line: OwnNumberLine, iccid: string): Promise<string> {
    const secret = this.o.config.discovery.secret;
    if (!secret) throw new Error('discovery needs ownNumber.discovery.secret (the same on every gateway that takes part)');
    const target = this.discoveryTarget(line.id, iccid);
    if (!target) {
      this.noTarget.add(iccid);
      throw new Error('no other registered line has a known number to send the discovery SMS to');
    }
    const text = buildDiscoveryText(iccid, secret, this.now());
    if (!text) throw new Error(`cannot build a discovery text for ICCID ${iccid}`);
    const got = this.wait<true>((resolve) => this.onLearned(iccid, () => resolve(true)), this.timeoutMs);
    try {
      await this.o.sendSms(line.id, target.number, text);
    } catch (e) {
      throw new Error(`discovery SMS to line ${target.line} (${target.number}) could not be sent: ${(e as Error).message}`);
    }
    this.log.info({ line: line.id, to: target.number, toLine: target.line }, 'own number: discovery SMS sent');
    await got;
    const stored = this.o.store.ownNumber(iccid);
    if (!stored) throw new Error(`the discovery SMS to line ${target.line} (${target.number}) did not arrive in ${this.o.config.timeoutSec} s`);
    return stored.number;
  }

  /** A registered line other than `lineId`, on another SIM, whose number is known. */
  private discoveryTarget(lineId: number, iccid: string): { line: number; number: string } | null {
    for (const l of this.o.lines()) {
      if (l.id === lineId) continue;
      const st = l.status();
      if (st.lifecycle !== 'registered' || !st.sim.iccid) continue;
      const other = normIccid(st.sim.iccid);
      if (other === iccid) continue;
      const number = this.known(other, st.sim.number);
      if (number) return { line: l.id, number };
    }
    return null;
  }

  /** Lines whose discovery found no target get another try now that `knownLine` has a number. */
  private retryNoTarget(knownLine: number): void {
    if (this.noTarget.size === 0) return;
    for (const l of this.o.lines()) {
      if (l.id === knownLine) continue;
      const st = l.status();
      if (st.lifecycle !== 'registered' || !st.sim.iccid) continue;
      const iccid = normIccid(st.sim.iccid);
      if (!this.noTarget.has(iccid) || this.jobs.has(iccid)) continue;
      this.noTarget.delete(iccid);
      this.log.info({ line: l.id, knownLine }, 'own number: a line with a known number appeared; trying discovery again');
      this.learn(l, true).catch((e: unknown) => this.log.error({ err: e, line: l.id }, 'own number: learning failed'));
    }
  }

  private discoveryInbound(msg: InboundMessage): boolean {
    const d = this.o.config.discovery;
    if (!d.enabled || !d.secret || typeof msg.text !== 'string') return false;
    const p = parseDiscoveryText(msg.text, d.secret, this.now(), this.maxAgeSec);
    if (!p) return false;
    const sender = typeof msg.sender === 'string' ? msg.sender.trim() : '';
    if (!OWN_NUMBER.test(sender)) {
      this.log.warn({ line: msg.line, sender }, 'own number: discovery SMS from a sender that is not a phone number; ignored');
      return true;
    }
    const iccid = normIccid(p.iccid);
    const have = this.o.store.ownNumber(iccid);
    if (have) {
      if (have.number !== sender) this.log.warn({ iccid, known: have.number, sender, method: have.method }, 'own number: discovery SMS names another number for a SIM already known; kept the known one');
      return true;
    }
    this.store(iccid, sender, 'discovery');
    this.log.info({ iccid, number: sender, receivedOn: msg.line }, 'own number learned from a discovery SMS');
    return true;
  }

  private queryInbound(msg: InboundMessage): boolean {
    for (const q of this.queries) {
      if (String(q.lineId) !== String(msg.line)) continue;
      if (msg.iccid && normIccid(msg.iccid) !== q.iccid) continue;
      if (typeof msg.sender !== 'string' || !sameNumber(msg.sender, q.replyFrom)) continue;
      if (typeof msg.text !== 'string' || !msg.text.includes(q.marker)) continue;
      const number = extractNumberAfterMarker(msg.text, q.marker);
      if (!number) {
        this.log.warn({ line: msg.line, sender: msg.sender }, `own number: reply from ${q.replyFrom} has no number after the marker; forwarded as usual`);
        continue;
      }
      q.resolve(number);
      return true;
    }
    return false;
  }

  private store(iccid: string, number: string, method: OwnNumberMethod): void {
    const have = this.o.store.ownNumber(iccid);
    if (have && have.method === 'manual' && method !== 'manual') return;
    this.o.store.setOwnNumber(iccid, number, method);
    const set = this.learned.get(iccid);
    if (set) for (const w of [...set]) w();
  }

  private onLearned(iccid: string, fn: () => void): () => void {
    const set = this.learned.get(iccid) ?? new Set<() => void>();
    this.learned.set(iccid, set);
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.learned.get(iccid) === set) this.learned.delete(iccid);
    };
  }

  /** Resolves with what `register`'s resolve gets, or null after `ms`; the registration is undone either way. */
  private wait<T>(register: (resolve: (v: T) => void) => () => void, ms: number): Promise<T | null> {
    return new Promise<T | null>((resolve) => {
      let done = false;
      let unregister: () => void = () => {};
      const finish = (v: T | null) => {
        if (done) return;
        done = true;
        this.timers.clearTimeout(timer);
        unregister();
        resolve(v);
      };
      const timer = this.timers.setTimeout(() => finish(null), ms);
      unregister = register((v) => finish(v));
      if (done) unregister();
    });
  }
}
