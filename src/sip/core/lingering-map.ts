/**
 * Entries kept for a fixed time after they are added, for the compact stores of finished server
 * transactions (completed-requests.ts for Timer J, accepted-invites.ts for Timer L).
 *
 * Expiry goes by buckets: entries added within the same `BUCKET_MS` share one timer, so each stays
 * between `lingerMs` and `lingerMs` + BUCKET_MS (the RFC's timers are lower bounds on how long a
 * transaction answers retransmissions).
 */
import type { TimerScheduler } from '../transaction/timer-scheduler.js';

export const BUCKET_MS = 100;

export class LingeringMap<V> {
  private readonly byKey = new Map<string, V>();
  /** Keys added since the bucket's timer was set; null when none is being filled. */
  private bucket: string[] | null = null;
  private closed = false;

  constructor(
    private readonly scheduler: TimerScheduler,
    private readonly lingerMs: () => number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Keeps `value` under `key` for `lingerMs`; false when closed. */
  add(key: string, value: V): boolean {
    if (this.closed) return false;
    this.byKey.set(key, value);
    if (this.bucket === null) {
      const bucket: string[] = [];
      this.bucket = bucket;
      // The bucket closes after BUCKET_MS; its keys wait `lingerMs` after that.
      this.scheduler.schedule(BUCKET_MS, () => {
        if (this.bucket === bucket) this.bucket = null;
        this.scheduler.schedule(this.lingerMs(), () => this.expire(bucket));
      });
    }
    this.bucket.push(key);
    return true;
  }

  get(key: string): V | undefined {
    return this.byKey.get(key);
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
