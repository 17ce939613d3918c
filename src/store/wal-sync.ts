/**
 * Durability of a WAL-mode SQLite connection with the fsync taken off the event loop.
 *
 * With `synchronous=FULL`, SQLite fsyncs the WAL inside COMMIT, and better-sqlite3 is synchronous:
 * the whole process waits for the disk at every commit, and an SMSC can neither read the next
 * submits nor write responses meanwhile. Here the connection runs with `synchronous=OFF` (COMMIT
 * writes the WAL frames to the OS but does not fsync) and durability is made explicit:
 *
 * - `sync()` fdatasyncs the WAL file on libuv's thread pool; the caller acknowledges only after it
 *   resolved. A sync covers everything committed before it started, so callers that come while one
 *   runs share the next one (at most one in flight, one waiting).
 * - `syncNow()` does the same synchronously, for writes that must be durable before the next
 *   statement (the outbox's `sending` mark before AT+CMGS).
 * - Checkpoints are what `synchronous=OFF` would make unsafe (the database file must be on disk
 *   before WAL frames are overwritten). Automatic checkpoints are turned off on this connection, and
 *   `checkpoint()` runs one with `synchronous=FULL` (the WAL is synced before it is copied, the
 *   database after), called on a timer by the owner.
 *
 * Process crashes (kill -9) lose nothing either way: committed frames are in the OS page cache.
 *
 * Fault injection (tests only): `ackSyncDelayMs` makes every `sync()` resolve that much later than its
 * fdatasync returned, as a slow disk would. It widens the window between a group commit's COMMIT and
 * the acknowledgements that wait for its sync, the window a kill -9 must hit to leave a stored submit
 * unanswered (docs/decisions/0020-smpp-exactly-once.md). `syncNow()` is not delayed: it blocks the
 * event loop, and a stalled loop reads no submits, so it would hide that window rather than widen it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';

/** fdatasyncs running at once (libuv's pool has 4 threads); commits beyond share the next one. */
const MAX_CONCURRENT_SYNCS = 2;

export class WalSync {
  private fd: number;
  private running = 0;
  private waiting: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;
  private dirty = false;
  private closing = false;
  readonly stats = { syncs: 0, checkpoints: 0 };

  private readonly ackSyncDelayMs: number;

  constructor(
    private readonly db: Db,
    file: string,
    opts: { ackSyncDelayMs?: number } = {},
  ) {
    this.ackSyncDelayMs = opts.ackSyncDelayMs ?? 0;
    db.pragma('synchronous = OFF');
    db.pragma('wal_autocheckpoint = 0');
    // The WAL exists once the database is in WAL mode and was opened; create it if SQLite has not yet.
    const wal = `${file}-wal`;
    this.fd = fs.openSync(wal, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    // Its directory entry must be durable too (a new file).
    const dir = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  }

  /** Something was committed that a later checkpoint must carry into the database file. */
  markDirty(): void {
    this.dirty = true;
  }

  /** fdatasync of the WAL on the thread pool; resolves when everything committed before the call is on disk. */
  sync(): Promise<void> {
    this.dirty = true;
    if (this.running < MAX_CONCURRENT_SYNCS) return this.start();
    if (!this.waiting) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  private start(): Promise<void> {
    this.running++;
    return new Promise<void>((resolve, reject) => {
      fs.fdatasync(this.fd, (err) => {
        const done = () => {
          this.stats.syncs++;
          this.running--;
          const w = this.waiting;
          this.waiting = null;
          if (w) this.start().then(w.resolve, w.reject);
          else if (this.closing && this.running === 0) this.closeFd();
          if (err) reject(err);
          else resolve();
        };
        // Counted as running until then, as a slow fdatasync would be: later commits share the next one.
        if (this.ackSyncDelayMs > 0) setTimeout(done, this.ackSyncDelayMs);
        else done();
      });
    });
  }

  /** fdatasync of the WAL now, blocking. */
  syncNow(): void {
    this.dirty = true;
    fs.fdatasyncSync(this.fd);
    this.stats.syncs++;
  }

  /** A checkpoint with full syncs (WAL before copying, database after). No-op when nothing changed. */
  checkpoint(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.db.pragma('synchronous = FULL');
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.stats.checkpoints++;
    } finally {
      this.db.pragma('synchronous = OFF');
    }
  }

  /** Closes the WAL descriptor once no sync runs on it any more. */
  close(): void {
    this.closing = true;
    if (this.running === 0) this.closeFd();
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = -1;
  }
}
