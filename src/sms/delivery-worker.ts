/**
 * A worker for one kind of delivery job (e-mail, webhook, SMS forward, SIP MESSAGE): takes the due
 * jobs from the message store, runs them with bounded concurrency and records each outcome durably.
 *
 * - Success → `completeDelivery`. Failure → `failDelivery` with the next attempt after an exponential
 *   back-off (`retryBaseSec · 2^attempts`, ±20 % jitter, at most `retryMaxSec`; longer when the
 *   error carries a `retryAfterMs` such as HTTP Retry-After, still at most `retryMaxSec`), or final when the
 *   error is permanent (`PermanentDeliveryError` or the `permanent` predicate) or the job is older
 *   than `giveUpHours` (the last attempt is placed at that deadline).
 * - At-least-once: a job is marked done only after its handler resolved. A crash, kill or stop in
 *   between leaves it pending, and it is run again at the next start; a handler that timed out may
 *   still have reached its target. Receivers dedupe by the job id (webhook `X-Cellgate-Delivery`).
 * - A job in flight is never started twice by this worker (the store still lists it as pending).
 * - The worker sleeps until the store's next due time (at most `maxSleepMs`, so jobs written without
 *   `notify()` are found too); it never polls in a tight loop. A handler that throws synchronously,
 *   rejects with anything, or hangs past `jobTimeoutMs` is one failed attempt; the worker goes on.
 */
import type { SmsConfig } from '../config/schema-messaging.js';
import type { Logger } from '../util/log.js';
import type { Delivery } from '../store/message-store.js';

/** Runs one job; resolves when delivered. `signal` aborts when the job timed out. */
export type DeliveryHandler = (d: Delivery, signal: AbortSignal) => Promise<void>;

/** Thrown by a handler when retrying cannot help (HTTP 400, SMTP 550 on RCPT, an invalid address). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
  readonly permanent = true;
}

/** A handler did not settle within the job timeout. */
export class DeliveryTimeoutError extends Error {
  override readonly name = 'DeliveryTimeoutError';
}

/** What the worker needs of the message store. */
export interface DeliveryStore {
  due(kind: string, limit: number, now?: number): Delivery[];
  nextDue(kind: string): number | null;
  completeDelivery(id: string): boolean;
  failDelivery(id: string, error: string, nextAt: number | null): boolean;
}

/** Back-off of a failing delivery: sms.forwardRetry (exponential from retryBaseSec up to retryMaxSec, given up after giveUpHours). */
export type RetryPolicy = SmsConfig['forwardRetry'];

/** Schedules `fn` after `ms`; returns a function that cancels it. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

export interface DeliveryWorkerOptions {
  kind: string;
  store: DeliveryStore;
  handler: DeliveryHandler;
  /** Jobs run at the same time (default 4). */
  concurrency?: number;
  retry: RetryPolicy;
  /** Errors after which retrying is pointless (in addition to PermanentDeliveryError). */
  permanent?: (err: unknown) => boolean;
  log: Logger;
  now?: () => number;
  setTimer?: SetTimer;
  /** A handler not settled after this long counts as a failed attempt (default 120 s). */
  jobTimeoutMs?: number;
  /** Longest sleep between two looks at the store (default 60 s). */
  maxSleepMs?: number;
  /** Uniform [0, 1) source for the jitter (tests pin it). */
  random?: () => number;
}

export interface DeliveryWorkerStats {
  kind: string;
  running: boolean;
  inFlight: number;
  /** Outcomes recorded since start. */
  done: number;
  retried: number;
  failed: number;
  timeouts: number;
  lastError: string | null;
}

const JITTER = 0.2;
/** Delay before looking again when the store could not be read or written. */
const STORE_ERROR_DELAY_MS = 5_000;
/** Shortest sleep (a job written between `due` and `nextDue`). */
const MIN_SLEEP_MS = 50;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2_147_483_647;

const defaultSetTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
  return () => clearTimeout(t);
};

/**
 * The delay before attempt `attempts + 1` after `attempts` failed ones: base·2^attempts with
 * ±20 % jitter, at most the maximum. `random` is uniform in [0, 1).
 */
export function backoffMs(attempts: number, retry: Pick<RetryPolicy, 'retryBaseSec' | 'retryMaxSec'>, random: () => number = Math.random): number {
  const base = Math.max(0, retry.retryBaseSec) * 1000;
  const max = Math.max(base, Math.max(0, retry.retryMaxSec) * 1000);
  const exp = Math.min(Math.max(0, Math.floor(attempts)), 40);
  const raw = Math.min(max, base * 2 ** exp);
  const jittered = raw * (1 + JITTER * (2 * random() - 1));
  return Math.round(Math.min(max, Math.max(0, jittered)));
}

/** A one-line text of any thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/**
 * The delay before the next attempt: the back-off, or longer when the error carries the peer's wish
 * (`retryAfterMs`, e.g. HTTP Retry-After), but never beyond `retryMaxSec`.
 */
function retryDelayMs(err: unknown, backoff: number, retry: RetryPolicy): number {
  const after = typeof err === 'object' && err !== null ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  if (typeof after !== 'number' || !Number.isFinite(after) || after <= backoff) return backoff;
  return Math.max(backoff, Math.min(after, Math.max(0, retry.retryMaxSec) * 1000));
}

/** Only our own marker counts: libraries set `permanent` flags with meanings of their own (nodemailer). */
export function isPermanentError(err: unknown): boolean {
  return err instanceof PermanentDeliveryError;
}

interface InFlight {
  settled: Promise<void>;
}

export class DeliveryWorker {
  readonly kind: string;
  private readonly store: DeliveryStore;
  private readonly handler: DeliveryHandler;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly permanentPred: ((err: unknown) => boolean) | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly setTimer: SetTimer;
  private readonly jobTimeoutMs: number;
  private readonly maxSleepMs: number;
  private readonly random: () => number;

  private running = false;
  private readonly inFlight = new Map<string, InFlight>();
  /** Jobs whose outcome could not be written (store error): not started again before this time. */
  private readonly held = new Map<string, number>();
  private cancelWake: (() => void) | null = null;
  private pumpQueued = false;
  private counters = { done: 0, retried: 0, failed: 0, timeouts: 0 };
  private lastError: string | null = null;

  constructor(o: DeliveryWorkerOptions) {
    this.kind = o.kind;
    this.store = o.store;
    this.handler = o.handler;
    this.concurrency = Math.max(1, Math.floor(o.concurrency ?? 4));
    this.retry = o.retry;
    this.permanentPred = o.permanent;
    this.log = o.log.child({ worker: o.kind });
    this.now = o.now ?? Date.now;
    this.setTimer = o.setTimer ?? defaultSetTimer;
    this.jobTimeoutMs = Math.max(1, o.jobTimeoutMs ?? 120_000);
    this.maxSleepMs = Math.max(MIN_SLEEP_MS, o.maxSleepMs ?? 60_000);
    this.random = o.random ?? Math.random;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.log.debug('delivery worker started');
    this.pump();
  }

  /** Stops taking jobs and waits until the ones in flight have settled (or timed out). */
  async stop(): Promise<void> {
    this.running = false;
    this.clearWake();
    await Promise.all([...this.inFlight.values()].map((f) => f.settled));
    this.log.debug('delivery worker stopped');
  }

  /** New jobs were written: look at the store soon (calls in one turn are coalesced). */
  notify(): void {
    if (this.running) this.pumpSoon();
  }

  stats(): DeliveryWorkerStats {
    return { kind: this.kind, running: this.running, inFlight: this.inFlight.size, ...this.counters, lastError: this.lastError };
  }

  // ------------------------------------------------------------------ internals

  private clearWake(): void {
    if (this.cancelWake) {
      this.cancelWake();
      this.cancelWake = null;
    }
  }

  private wakeIn(ms: number): void {
    this.clearWake();
    this.cancelWake = this.setTimer(() => {
      this.cancelWake = null;
      this.pump();
    }, ms);
  }

  private pump(): void {
    if (!this.running) return;
    this.clearWake();
    const now = this.now();
    for (const [id, until] of this.held) if (until <= now) this.held.delete(id);
    const free = this.concurrency - this.inFlight.size;
    if (free > 0) {
      let jobs: Delivery[];
      try {
        // In-flight and held jobs are still pending in the store: ask for enough to fill the free slots.
        jobs = this.store.due(this.kind, free + this.inFlight.size + this.held.size, now);
      } catch (e) {
        this.storeTrouble('reading due jobs', e);
        this.wakeIn(STORE_ERROR_DELAY_MS);
        return;
      }
      let started = 0;
      for (const d of jobs) {
        if (started >= free) break;
        if (this.inFlight.has(d.id) || this.held.has(d.id)) continue;
        this.runJob(d);
        started++;
      }
    }
    this.scheduleWake();
  }

  private scheduleWake(): void {
    if (!this.running) return;
    // All slots busy: the next completion pumps.
    if (this.inFlight.size >= this.concurrency) return;
    let next: number | null;
    try {
      next = this.store.nextDue(this.kind);
    } catch (e) {
      this.storeTrouble('reading the next due time', e);
      this.wakeIn(STORE_ERROR_DELAY_MS);
      return;
    }
    const now = this.now();
    if (next === null) return this.wakeIn(this.maxSleepMs);
    if (next > now) return this.wakeIn(Math.min(next - now, this.maxSleepMs));
    // Something is due but was not started: it is in flight (its completion pumps), held after a
    // store error (look again when the hold ends), or was written just now.
    if (this.inFlight.size > 0 && this.held.size === 0) return;
    if (this.held.size > 0) {
      const until = Math.min(...this.held.values());
      return this.wakeIn(Math.min(this.maxSleepMs, Math.max(MIN_SLEEP_MS, until - now)));
    }
    this.wakeIn(MIN_SLEEP_MS);
  }

  private runJob(d: Delivery): void {
    let resolveSettled!: () => void;
    const settled = new Promise<void>((r) => (resolveSettled = r));
    this.inFlight.set(d.id, { settled });
    let finished = false;
    let cancelTimeout: () => void = () => {};
    const abort = new AbortController();
    const finish = (ok: boolean, err: unknown): void => {
      if (finished) {
        if (ok) this.log.debug({ delivery: d.id }, 'a job that timed out completed late (its retry may duplicate it)');
        return;
      }
      finished = true;
      cancelTimeout();
      try {
        this.record(d, ok, err);
      } catch (e) {
        // Never let bookkeeping trouble escape into an unhandled rejection.
        this.log.error({ delivery: d.id, err: errorText(e) }, 'delivery worker: recording an outcome failed');
      }
      this.inFlight.delete(d.id);
      resolveSettled();
      if (this.running) this.pumpSoon();
    };
    cancelTimeout = this.setTimer(() => {
      this.counters.timeouts++;
      const err = new DeliveryTimeoutError(`no outcome within ${Math.round(this.jobTimeoutMs / 1000)} s`);
      finish(false, err);
      abort.abort(err);
    }, this.jobTimeoutMs);
    let p: Promise<void>;
    try {
      p = Promise.resolve(this.handler(d, abort.signal));
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      () => finish(true, undefined),
      (e: unknown) => finish(false, e ?? new Error('handler rejected without a reason')),
    );
  }

  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private record(d: Delivery, ok: boolean, err: unknown): void {
    const now = this.now();
    if (ok) {
      try {
        this.store.completeDelivery(d.id);
        this.counters.done++;
        this.log.debug({ delivery: d.id, target: d.target }, 'delivered');
      } catch (e) {
        this.hold(d.id, now, 'recording a delivery', e);
      }
      return;
    }
    const text = errorText(err).slice(0, 1000);
    this.lastError = text;
    const permanent = isPermanentError(err) || (this.permanentPred ? safePred(this.permanentPred, err) : false);
    const deadline = d.createdAt + Math.max(0, this.retry.giveUpHours) * 3_600_000;
    let nextAt: number | null;
    let reason = text;
    if (permanent) nextAt = null;
    else if (now >= deadline) {
      nextAt = null;
      reason = `${text} (given up after ${this.retry.giveUpHours} h)`;
    } else nextAt = Math.min(now + retryDelayMs(err, backoffMs(d.attempts, this.retry, this.random), this.retry), deadline);
    try {
      this.store.failDelivery(d.id, reason, nextAt);
    } catch (e) {
      this.hold(d.id, now, 'recording a failed attempt', e);
      return;
    }
    if (nextAt === null) {
      this.counters.failed++;
      this.log.warn({ delivery: d.id, target: d.target, attempts: d.attempts + 1, error: reason }, 'delivery failed for good');
    } else {
      this.counters.retried++;
      this.log.info({ delivery: d.id, target: d.target, attempts: d.attempts + 1, error: text, retryInMs: nextAt - now }, 'delivery attempt failed; will retry');
    }
  }

  private hold(id: string, now: number, what: string, e: unknown): void {
    this.held.set(id, now + Math.max(STORE_ERROR_DELAY_MS, this.retry.retryBaseSec * 1000));
    this.storeTrouble(what, e);
  }

  private storeTrouble(what: string, e: unknown): void {
    this.lastError = `store: ${errorText(e)}`;
    this.log.error({ err: errorText(e) }, `delivery worker: ${what} failed`);
  }
}

function safePred(pred: (err: unknown) => boolean, err: unknown): boolean {
  try {
    return pred(err) === true;
  } catch {
    return false;
  }
}
