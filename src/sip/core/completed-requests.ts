/**
 * Non-INVITE server transactions on UDP after their final response, kept compactly for Timer J
 * (RFC 3261 §17.2.2: for 64·T1 a retransmitted request is answered with the final response again and
 * goes no further). A whole transaction per request for 32 s is most of what a busy registrar holds
 * in memory, and what the garbage collector walks; here each is its key, the response's bytes and
 * where to send them.
 *
 * Only requests with an RFC 3261 branch (the magic cookie) come here: RFC 2543 matching needs To tags
 * the table compares (transaction-table.ts).
 */
import type { TimerScheduler } from '../transaction/timer-scheduler.js';

interface Completed {
  readonly bytes: Uint8Array;
  readonly resend: (bytes: Uint8Array) => void;
}

export class CompletedRequests {
  private readonly byKey = new Map<string, Completed>();
  private closed = false;

  constructor(
    private readonly scheduler: TimerScheduler,
    private readonly lingerMs: () => number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Takes over the wait for `key` (a server transaction key of its own string); false when closed. */
  add(key: string, bytes: Uint8Array, resend: (bytes: Uint8Array) => void): boolean {
    if (this.closed) return false;
    const entry: Completed = { bytes, resend };
    this.byKey.set(key, entry);
    this.scheduler.schedule(this.lingerMs(), () => {
      if (this.byKey.get(key) === entry) this.byKey.delete(key);
    });
    return true;
  }

  /** A request with a completed transaction's key: the final response again (§17.2.2). */
  retransmitted(key: string): boolean {
    const entry = this.byKey.get(key);
    if (entry === undefined) return false;
    entry.resend(entry.bytes);
    return true;
  }

  close(): void {
    this.closed = true;
    this.byKey.clear();
  }
}
