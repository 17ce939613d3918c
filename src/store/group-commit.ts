/**
 * Group commit: writes requested in the same turn of the event loop are applied in one SQLite
 * transaction, so one WAL fsync (synchronous=FULL) covers all of them. Each write runs in its own
 * savepoint (better-sqlite3 nests transactions as savepoints), so one failing write rejects only its
 * own promise and rolls back only its own changes. Every promise settles after the batch is durable
 * (after COMMIT with synchronous=FULL, or after the `durable` sync when the connection leaves the
 * fsync to WalSync): a caller that acknowledges on resolve acknowledges durable data only.
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
    private readonly opts: {
      maxBatch?: number;
      onError?: (e: unknown) => void;
      /**
       * Makes what was committed durable (WalSync.sync) when COMMIT itself does not fsync; the
       * promises settle after it. Batches go on committing while it runs.
       */
      durable?: () => Promise<void>;
    } = {},
  ) {
    this.fast = GroupCommit.fastTx(db);
    this.isolated = GroupCommit.isolatedTx(db);
  }

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
      let results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
      try {
        results = this.apply(batch);
      } catch (e) {
        // COMMIT itself failed (disk full, I/O error): nothing of the batch is durable.
        this.opts.onError?.(e);
        for (const p of batch) p.reject(e);
        continue;
      }
      this.stats.commits++;
      this.stats.writes += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      const settle = () =>
        batch.forEach((p, i) => {
          const r = results[i]!;
          if (r.ok) p.resolve(r.value);
          else p.reject(r.error);
        });
      if (!this.opts.durable) {
        settle();
        continue;
      }
      this.opts.durable().then(settle, (e: unknown) => {
        // The data may not be on disk: nothing of the batch is acknowledged.
        this.opts.onError?.(e);
        for (const p of batch) p.reject(e);
      });
    }
  }

  /**
   * Runs the batch in one transaction. Fast path: every write directly, no savepoints. When one
   * throws, the whole transaction is rolled back and the batch is run again with a savepoint per
   * write, so only the failing writes fail (a write must be deterministic for this: same store
   * state, same outcome).
   */
  private apply(batch: Pending<unknown>[]): Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    try {
      return this.fast(batch.map((p) => p.fn));
    } catch (e) {
      if (!(e instanceof WriteFailed)) throw e;
    }
    return this.isolated(batch.map((p) => p.fn));
  }

  private readonly fast: (fns: Array<() => unknown>) => Array<{ ok: true; value: unknown }>;
  private readonly isolated: (fns: Array<() => unknown>) => Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;

  private static fastTx(db: Db) {
    return db.transaction((fns: Array<() => unknown>) =>
      fns.map((fn) => {
        try {
          return { ok: true as const, value: fn() };
        } catch (e) {
          throw new WriteFailed(e);
        }
      }),
    );
  }

  private static isolatedTx(db: Db) {
    return db.transaction((fns: Array<() => unknown>) =>
      fns.map((fn) => {
        try {
          return { ok: true as const, value: db.transaction(fn)() };
        } catch (e) {
          return { ok: false as const, error: e };
        }
      }),
    );
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

/** A write of the batch threw (as opposed to BEGIN/COMMIT failing). */
class WriteFailed extends Error {
  constructor(readonly inner: unknown) {
    super('a write of the batch failed');
  }
}
