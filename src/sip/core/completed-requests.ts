/**
 * Non-INVITE server transactions on UDP after their final response, kept compactly for Timer J
 * (RFC 3261 §17.2.2: for 64·T1 a retransmitted request is answered with the final response again and
 * goes no further). A whole transaction per request for 32 s is most of what a busy registrar holds
 * in memory, and what the garbage collector walks; here each is its key, the response as a one-byte
 * string and where to send it, kept by bucket (lingering-map.ts).
 *
 * Only requests with an RFC 3261 branch (the magic cookie) come here: RFC 2543 matching needs To tags
 * the table compares (transaction-table.ts).
 */
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { Resender, TransactionRequest } from '../transaction/transaction-message.js';
import { serverKeyOfRequest } from '../transaction/transaction-key.js';
import { LingeringMap } from './lingering-map.js';

interface Completed {
  /** The final response's bytes, latin1: a string is one small object to keep, a buffer three. */
  readonly text: string;
  readonly to: Resender;
}

export class CompletedRequests {
  private readonly entries: LingeringMap<Completed>;

  constructor(scheduler: TimerScheduler, lingerMs: () => number) {
    this.entries = new LingeringMap(scheduler, lingerMs);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Takes over the wait for `key` (a server transaction key of its own string); false when closed. */
  add(key: string, bytes: Uint8Array, to: Resender): boolean {
    return this.entries.add(key, { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), to });
  }

  /** A new request that is a retransmission of a completed one: answered again here (§17.2.2). */
  answers(request: TransactionRequest): boolean {
    if (this.entries.size === 0) return false;
    const keyed = serverKeyOfRequest(request);
    return keyed.ok && !keyed.legacy && this.retransmitted(keyed.key);
  }

  /** A request with a completed transaction's key: the final response again (§17.2.2). */
  retransmitted(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    entry.to.resend(Buffer.from(entry.text, 'latin1'));
    return true;
  }

  close(): void {
    this.entries.close();
  }
}
