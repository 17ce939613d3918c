/**
 * Non-INVITE server transactions on UDP after their final response, kept compactly for Timer J
 * (RFC 3261 §17.2.2: for 64·T1 a retransmitted request is answered with the final response again and
 * goes no further). A whole transaction per request for 32 s is most of what a busy registrar holds
 * in memory, and what the garbage collector walks; here each is its key, the response as a one-byte
 * string and where to send it.
 *
 * Expiry goes by buckets: requests completed within the same `BUCKET_MS` share one timer, so each
 * waits between 64·T1 and 64·T1 + BUCKET_MS (Timer J is a lower bound on how long the answer is kept).
 *
 * Only requests with an RFC 3261 branch (the magic cookie) come here: RFC 2543 matching needs To tags
 * the table compares (transaction-table.ts).
 */
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { Resender, TransactionRequest } from '../transaction/transaction-message.js';
import { serverKeyOfRequest } from '../transaction/transaction-key.js';

interface Completed {
  /** The final response's bytes, latin1: a string is one small object to keep, a buffer three. */
  readonly text: string;
  readonly to: Resender;
}

export const BUCKET_MS = 100;

export class CompletedRequests {
  private readonly byKey = new Map<string, Completed>();
  /** Keys completed since the bucket's timer was set; null when none is being filled. */
  private bucket: string[] | null = null;
  private closed = false;

  constructor(
    private readonly scheduler: TimerScheduler,
    private readonly lingerMs: () => number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Takes over the wait for `key` (a server transaction key of its own string); false when closed. */
  add(key: string, bytes: Uint8Array, to: Resender): boolean {
    if (this.closed) return false;
    this.byKey.set(key, { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), to });
    if (this.bucket === null) {
      const bucket: string[] = [];
      this.bucket = bucket;
      // The bucket closes after BUCKET_MS; its keys go Timer J after that.
      this.scheduler.schedule(BUCKET_MS, () => {
        if (this.bucket === bucket) this.bucket = null;
        this.scheduler.schedule(this.lingerMs(), () => this.expire(bucket));
      });
    }
    this.bucket.push(key);
    return true;
  }

  /** A new request that is a retransmission of a completed one: answered again here (§17.2.2). */
  answers(request: TransactionRequest): boolean {
    if (this.byKey.size === 0) return false;
    const keyed = serverKeyOfRequest(request);
    return keyed.ok && !keyed.legacy && this.retransmitted(keyed.key);
  }

  /** A request with a completed transaction's key: the final response again (§17.2.2). */
  retransmitted(key: string): boolean {
    const entry = this.byKey.get(key);
    if (entry === undefined) return false;
    entry.to.resend(Buffer.from(entry.text, 'latin1'));
    return true;
  }

  close(): void {
    this.closed = true;
    this.byKey.clear();
    this.bucket = null;
  }

  private expire(keys: readonly string[]): void {
    for (const key of keys) this.byKey.delete(key);
  }
}
