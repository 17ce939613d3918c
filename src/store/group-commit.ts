/**
 * Group commit: writes requested in the same turn of the event loop are applied in one SQLite
 * transaction, so one WAL fsync (synchronous=FULL) covers all of them. Each write runs in its own
 * savepoint (better-sqlite3 nests transactions as savepoints), so one failing write rejects only its
 * own promise and rolls back only its own changes. Every promise settles after COMMIT returned: a
 * caller that acknowledges on resolve acknowledges durable data only.
 */
import type { Db } from './db.js';

interface Pending<T> {
  fn: () => T;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;
  private closed = false;
  /** Transactions committed and writes applied (for benchmarks and the API). */
  readonly stats = { commits: 0, writes: 0, largest: 0 };

  constructor(
    private readonly db: Db,
    private readonly opts: { maxBatch?: number; onError?: (e: unknown) => void } = {},
  ) {}

  /** Queues `fn` to run inside the next group transaction; resolves with its result once committed. */
  run<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve, reject } as Pending<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies everything queued now (also called by close()). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch ?? 1000);
      const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        this.db.transaction(() => {
          for (const p of batch) {
            try {
              results.push({ ok: true, value: this.db.transaction(p.fn)() });
            } catch (e) {
              results.push({ ok: false, error: e });
            }
          }
        })();
      } catch (e) {
        // COMMIT itself failed (disk full, I/O error): nothing of the batch is durable.
        this.opts.onError?.(e);
        for (const p of batch) p.reject(e);
        continue;
      }
      this.stats.commits++;
      this.stats.writes += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      batch.forEach((p, i) => {
        const r = results[i]!;
        if (r.ok) p.resolve(r.value);
        else p.reject(r.error);
      });
    }
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
