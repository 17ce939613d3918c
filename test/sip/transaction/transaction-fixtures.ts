import type { TimerScheduler, ScheduledTimer } from '../../../src/sip/transaction/timer-scheduler.js';
import type { TransactionRequest, TransactionResponse, TransactionTransport, LegacyRequestIdentity } from '../../../src/sip/transaction/transaction-message.js';
import { resolveTransactionTimers, type TransactionTimerOptions, type TransactionTimers } from '../../../src/sip/transaction/transaction-timer-options.js';

/** Fake time: timers fire in order of due time (then of scheduling) as `advance` passes them. */
export class FakeScheduler implements TimerScheduler {
  now = 0;
  private seq = 0;
  private queue: { at: number; seq: number; fire: () => void; cancelled: boolean }[] = [];

  schedule(delayMs: number, fire: () => void): ScheduledTimer {
    const timer = { at: this.now + delayMs, seq: this.seq++, fire, cancelled: false };
    this.queue.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.queue.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.queue = this.queue.filter((t) => t !== due);
      this.now = due.at;
      due.fire();
    }
    this.now = end;
  }

  /** Timers still due to fire. */
  get pending(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }
}

/** A transport that records what was sent and when; `failSends` makes `send` throw. */
export class RecordingTransport implements TransactionTransport {
  readonly sent: { at: number; text: string }[] = [];
  failSends = false;
  constructor(readonly reliable: boolean, private readonly clock: FakeScheduler) {}

  send(bytes: Uint8Array): void {
    if (this.failSends) throw new Error('EHOSTUNREACH');
    this.sent.push({ at: this.clock.now, text: Buffer.from(bytes).toString('latin1') });
  }

  /** Send times of messages whose first line starts with `prefix`. */
  timesOf(prefix: string): number[] {
    return this.sent.filter((s) => s.text.startsWith(prefix)).map((s) => s.at);
  }
}

export function timers(options: TransactionTimerOptions = {}): TransactionTimers {
  const verdict = resolveTransactionTimers(options);
  if (!verdict.ok) throw new Error(verdict.problems.join('; '));
  return verdict.timers;
}

const enc = (s: string) => Buffer.from(s, 'latin1');

export interface RequestShape {
  method: string;
  branch?: string | undefined;
  sentBy?: string;
  cseqMethod?: string;
  legacy?: LegacyRequestIdentity;
}

/** A request view over real SIP bytes (RFC 3261 §24 style). */
export function request(shape: RequestShape): TransactionRequest {
  const sentBy = shape.sentBy ?? 'pc33.atlanta.com:5060';
  const cseqMethod = shape.cseqMethod ?? shape.method;
  const branchParam = shape.branch === undefined ? '' : `;branch=${shape.branch}`;
  const text =
    `${shape.method} sip:bob@biloxi.com SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${sentBy}${branchParam}\r\n` +
    'Max-Forwards: 70\r\n' +
    'To: Bob <sip:bob@biloxi.com>\r\n' +
    'From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n' +
    'Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n' +
    `CSeq: 314159 ${cseqMethod}\r\n` +
    'Content-Length: 0\r\n\r\n';
  const view: TransactionRequest = { method: shape.method, branch: shape.branch, sentBy, cseqMethod, bytes: enc(text) };
  return shape.legacy === undefined ? view : { ...view, legacy: shape.legacy };
}

const REASONS: Record<number, string> = { 100: 'Trying', 180: 'Ringing', 200: 'OK', 302: 'Moved Temporarily', 408: 'Request Timeout', 486: 'Busy Here', 503: 'Service Unavailable' };

export function response(statusCode: number, branch = 'z9hG4bK776asdhds', cseqMethod = 'INVITE', toTag?: string): TransactionResponse {
  const tag = toTag === undefined ? '' : `;tag=${toTag}`;
  const text =
    `SIP/2.0 ${statusCode} ${REASONS[statusCode] ?? 'Other'}\r\n` +
    `Via: SIP/2.0/UDP pc33.atlanta.com;branch=${branch}\r\n` +
    `To: Bob <sip:bob@biloxi.com>${tag}\r\n` +
    'From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n' +
    'Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n' +
    `CSeq: 314159 ${cseqMethod}\r\n` +
    'Content-Length: 0\r\n\r\n';
  return { statusCode, bytes: enc(text), branch, cseqMethod, toTag };
}

/** The ACK a client transaction builds for a 3xx–6xx response (§17.1.1.3). */
export function ackFor(res: TransactionResponse): Uint8Array {
  return enc(`ACK sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.com;branch=${res.branch}\r\nCSeq: 314159 ACK\r\nContent-Length: 0\r\n\r\n`);
}
