/**
 * CDR push: every ended call is POSTed as JSON (cdr-document.ts) to the configured receiver, signed
 * with HMAC-SHA256, in the order the calls ended, at least once.
 *
 * Durability without a job table: the calls table numbers calls in the order they ended (`end_seq`,
 * written in the record's own transaction) and the store keeps, per receiver URL, the position it was
 * sent through. The pusher reads the calls after that position, posts them one by one and moves the
 * position after each 2xx. A kill -9 anywhere loses nothing: at worst the last call is sent again
 * (receivers dedupe by `X-Cellgate-Delivery`, the call id). See docs/decisions/0036-cdr-push.md.
 *
 * Outcome of a POST: 2xx accepted; 400, 413, 415 and 422 (the receiver refuses this document) are
 * logged and skipped so one bad record cannot block the rest; everything else (network errors,
 * timeouts, 5xx, 401/403/404 of a receiver being fixed, redirects) is retried with exponential
 * back-off, honouring Retry-After up to the maximum.
 */
import type { StoredCall } from '../../store/records.js';
import { httpPost, type PostAnswer } from '../../util/http-post.js';
import type { Logger } from '../../util/log.js';
import { signWebhook } from '../../sms/forward-format.js';
import { parseRetryAfter } from '../../sms/forwarders/webhook.js';
import { cdrDocumentOf } from './cdr-document.js';
import { nextCdrPushState, type CdrPushEvent, type CdrPushState } from './cdr-push-state.js';

/** What the pusher needs of the counter store (CounterStore implements it). */
export interface CdrSource {
  endedCallsAfter(after: number, limit?: number): Array<{ endSeq: number; call: StoredCall }>;
  cdrPushedThrough(url: string): number;
  setCdrPushedThrough(url: string, endSeq: number): void;
}

/** The call service's end event, used only to push at once (the store is the source of truth). */
export interface CallEndedEvents {
  on(event: 'call-ended', listener: () => void): unknown;
  off(event: 'call-ended', listener: () => void): unknown;
}

export interface CdrPushOptions {
  store: CdrSource;
  /** The current `sip.cdr` setting: null when CDR push is off. */
  config: () => { url: string; secret: string } | null;
  calls?: CallEndedEvents;
  /** cellgate's version, for the User-Agent. */
  version: string;
  log: Logger;
  /** Back-off after a failure: first delay and cap (defaults 2 s and 5 min). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Look for unsent calls this often even without an event (default 60 s). */
  pollMs?: number;
  /** One POST's time limit (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
}

export interface CdrPush {
  start(): void;
  /** Stops timers and aborts a POST in flight; what was not confirmed is sent after the next start. */
  stop(): Promise<void>;
  /** Looks for unsent calls now (also done on every `call-ended`). */
  wake(): void;
  readonly state: CdrPushState;
}

type SendOutcome = { kind: 'accepted' } | { kind: 'refused'; detail: string } | { kind: 'retry'; detail: string; retryAfterMs?: number };

const REFUSED_DOCUMENT = new Set([400, 413, 415, 422]);
const BATCH = 50;

export function createCdrPush(o: CdrPushOptions): CdrPush {
  const now = o.now ?? Date.now;
  const minMs = o.retryMinMs ?? 2000;
  const maxMs = Math.max(minMs, o.retryMaxMs ?? 300_000);
  let state: CdrPushState = 'stopped';
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let inFlight: AbortController | null = null;
  let running: Promise<void> | null = null;
  const onCallEnded = (): void => wake();

  function transition(event: CdrPushEvent): void {
    state = nextCdrPushState(state, event);
  }

  async function post(cfg: { url: string; secret: string }, call: StoredCall): Promise<SendOutcome> {
    const body = JSON.stringify(cdrDocumentOf(call));
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': `cellgate/${o.version}`,
      'X-Cellgate-Delivery': `cdr:${call.id}`,
      'X-Cellgate-Signature': signWebhook(body, cfg.secret, Math.floor(now() / 1000)),
    };
    inFlight = new AbortController();
    let res: PostAnswer;
    try {
      const timeout = AbortSignal.timeout(o.timeoutMs ?? 10_000);
      // AbortSignal.any is Node ≥ 20.3; without it the timeout alone bounds the attempt.
      const signal = typeof AbortSignal.any === 'function' ? AbortSignal.any([inFlight.signal, timeout]) : timeout;
      res = await httpPost(cfg.url, { headers, body, signal, maxBody: 1024 });
    } catch (e) {
      return { kind: 'retry', detail: e instanceof Error ? e.message : String(e) };
    } finally {
      inFlight = null;
    }
    if (res.status >= 200 && res.status <= 299) return { kind: 'accepted' };
    const detail = `HTTP ${res.status}`;
    if (REFUSED_DOCUMENT.has(res.status)) return { kind: 'refused', detail };
    return { kind: 'retry', detail, retryAfterMs: parseRetryAfter(res.header('retry-after'), now()) };
  }

  function backOff(detail: string, retryAfterMs?: number): void {
    failures++;
    const delay = Math.min(maxMs, Math.max(retryAfterMs ?? 0, minMs * 2 ** Math.min(failures - 1, 30)));
    o.log.warn({ detail, retryInMs: delay, failures }, 'CDR push failed; retrying');
    transition('failed');
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (state !== 'backing-off') return;
      transition('retry-due');
      launch();
    }, delay);
  }

  /** Sends everything after the receiver's position; leaves the state idle, backing-off or stopped. */
  async function drain(): Promise<void> {
    for (;;) {
      const cfg = o.config();
      if (!cfg) break;
      let batch: Array<{ endSeq: number; call: StoredCall }>;
      try {
        batch = o.store.endedCallsAfter(o.store.cdrPushedThrough(cfg.url), BATCH);
      } catch (e) {
        backOff(`reading call records: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (batch.length === 0) break;
      for (const { endSeq, call } of batch) {
        const outcome = await post(cfg, call);
        if (state !== 'sending') return;
        if (outcome.kind === 'retry') {
          backOff(`${cfg.url}: ${outcome.detail}`, outcome.retryAfterMs);
          return;
        }
        if (outcome.kind === 'refused') o.log.error({ call: call.id, url: cfg.url, detail: outcome.detail }, 'CDR receiver refused the record; skipped');
        failures = 0;
        try {
          o.store.setCdrPushedThrough(cfg.url, endSeq);
        } catch (e) {
          backOff(`recording the push position: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
      }
    }
    if (state === 'sending') transition('drained');
  }

  function launch(): void {
    const run: Promise<void> = drain().finally(() => {
      if (running === run) running = null;
    });
    running = run;
  }

  function wake(): void {
    if (state !== 'idle') return;
    transition('work');
    launch();
  }

  return {
    get state() {
      return state;
    },
    start() {
      if (state !== 'stopped') return;
      transition('start');
      o.calls?.on('call-ended', onCallEnded);
      pollTimer = setInterval(wake, o.pollMs ?? 60_000);
      pollTimer.unref();
      wake();
    },
    async stop() {
      if (state === 'stopped') return;
      transition('stop');
      o.calls?.off('call-ended', onCallEnded);
      if (pollTimer) clearInterval(pollTimer);
      if (retryTimer) clearTimeout(retryTimer);
      pollTimer = retryTimer = null;
      inFlight?.abort();
      await running;
    },
    wake,
  };
}
