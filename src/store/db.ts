/**
 * Opening cellgate's embedded database, `<dataDir>/cellgate.db` (SQLite through better-sqlite3).
 *
 * - WAL journal with `synchronous=FULL`: every committed transaction is fsynced to the WAL before
 *   `COMMIT` returns, so an acknowledged write survives kill -9 and power loss (with NORMAL, WAL commits
 *   may be lost on power loss; they are not fsynced until a checkpoint).
 * - `busy_timeout` so a reader in another process (a CLI query) makes a writer wait, not fail.
 * - `foreign_keys=ON`.
 * - A page cache of at most `PAGE_CACHE_KIB` per connection: the SQLite bundled with better-sqlite3 is
 *   built with a 16 MB default, which fills as the file grows and stays allocated (the daemon holds two
 *   connections, so up to 32 MB of its RSS; docs/decisions/0018-memory-budget.md).
 * - A new file is created with mode 0600 (it holds every message); `-wal` and `-shm` inherit it.
 * - Schema migrations are data: a numbered list applied in order, each in its own transaction together
 *   with the new `PRAGMA user_version`, so a crash during a migration leaves the previous version.
 * - A file that is not a database, is corrupt, or was written by a newer cellgate gives a `StoreError`
 *   naming the file and what to do, never an uncaught native error.
 *
 * The open-time check is `schema` by default: reading the whole schema (which touches the header and
 * the schema b-tree) and checking that every table the migrations made exists. `PRAGMA quick_check`
 * reads every page, so its cost grows with the file (see docs/decisions/0002-sqlite-store.md for the
 * measured figures); it is available as `check: 'quick'` and through `checkIntegrity()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const DB_FILE_NAME = 'cellgate.db';

/**
 * Page cache per connection, in KiB (`PRAGMA cache_size = -N`): SQLite's own default. The daemon's
 * queries go through indexes (outbox by status, messages by id), so their working set is small; what
 * does not fit is read again from the OS page cache.
 */
export const PAGE_CACHE_KIB = 2048;

/** `<dataDir>/cellgate.db` */
export function dbFilePath(dataDir: string): string {
  return path.join(dataDir, DB_FILE_NAME);
}

export type StoreErrorCode =
  /** The file exists but is not an SQLite database (wrong header), or is encrypted. */
  | 'not-a-database'
  /** SQLite reports corruption, or an integrity check failed. */
  | 'corrupt'
  /** The schema version is newer than this build knows (a downgrade). */
  | 'too-new'
  /** Tables the migrations should have made are missing. */
  | 'schema-mismatch'
  /** The file or directory could not be opened/created (permissions, missing directory, disk full). */
  | 'io'
  /** Another process holds a lock longer than busy_timeout. */
  | 'busy'
  /** A record passed to the store is not valid; nothing was written. */
  | 'invalid';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly file: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export interface Migration {
  /** The `user_version` after this migration; versions are 1, 2, 3, ... without gaps. */
  version: number;
  /** One line saying what the migration does (shown in errors). */
  name: string;
  /** SQL executed with `db.exec()` inside the migration's transaction. */
  sql: string;
  /** Tables that must exist once this migration ran (checked at every open). */
  tables: string[];
}

export type OpenCheck = 'none' | 'schema' | 'quick';

export interface OpenOptions {
  /** Migrations to apply, in version order. */
  migrations: readonly Migration[];
  /** What to verify at open. Default `schema`. */
  check?: OpenCheck;
  /** Milliseconds a write waits for another connection's lock. Default 5000. */
  busyTimeoutMs?: number;
  /** Open without writing (no migrations; the schema must be current). */
  readonly?: boolean;
}

/** SQLite result codes (primary code is the low byte of the extended code). */
const NOTADB = new Set(['SQLITE_NOTADB']);
const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

function sqliteCode(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Turns a native error raised while opening or using `file` into a StoreError with advice. */
export function toStoreError(e: unknown, file: string | undefined, doing: string): StoreError {
  if (e instanceof StoreError) return e;
  const code = sqliteCode(e);
  const where = file ?? '(database)';
  if (NOTADB.has(code)) {
    return new StoreError('not-a-database', `${where} is not a cellgate database (SQLite says: ${errMessage(e)}) while ${doing}; move it away to start with an empty one`, file, { cause: e });
  }
  if (CORRUPT.has(code)) {
    return new StoreError('corrupt', `${where} is corrupt (SQLite says: ${errMessage(e)}) while ${doing}; restore a backup or recover it with \`sqlite3 ${where} .recover\``, file, { cause: e });
  }
  if (BUSY.has(code)) {
    return new StoreError('busy', `${where} is locked by another process (${errMessage(e)}) while ${doing}; is a second cellgate running on the same data directory?`, file, { cause: e });
  }
  return new StoreError('io', `${where}: ${errMessage(e)}${code ? ` (${code})` : ''} while ${doing}`, file, { cause: e });
}

function validateMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list: entry ${i} has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * Rows of `PRAGMA quick_check` / `integrity_check`: `['ok']` when the file is sound, otherwise the
 * problems found (a check that SQLite itself aborts as malformed reports that message as one row).
 */
export function checkIntegrity(db: Db, mode: 'quick' | 'full' = 'quick'): string[] {
  try {
    const rows = db.pragma(mode === 'quick' ? 'quick_check' : 'integrity_check') as Array<Record<string, unknown>>;
    return rows.map((r) => String(Object.values(r)[0]));
  } catch (e) {
    if (CORRUPT.has(sqliteCode(e)) || NOTADB.has(sqliteCode(e))) return [errMessage(e)];
    throw e;
  }
}

/** Mode of a new database file; SQLite gives its `-wal` and `-shm` files the same one. */
export const DB_FILE_MODE = 0o600;

/**
 * Creates `file` empty (an empty file is an empty SQLite database) with mode 0600 whatever the umask,
 * unless it exists: SQLite itself would create it 0644, readable by every user of the machine.
 */
function createPrivately(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, DB_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  try {
    fs.fchmodSync(fd, DB_FILE_MODE);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens (creating it and its directory when missing) the database at `file`, sets the pragmas,
 * applies pending migrations and runs the chosen check. Throws `StoreError` only.
 */
export function openDatabase(file: string, opts: OpenOptions): Db {
  validateMigrations(opts.migrations);
  const latest = opts.migrations.length;
  const check = opts.check ?? 'schema';
  let db: Db | undefined;
  try {
    if (!opts.readonly) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new StoreError('io', `cannot create the directory of ${file}: ${errMessage(e)}`, file, { cause: e });
  }
  let step = 'creating the file';
  try {
    if (!opts.readonly) createPrivately(file);
    step = 'opening';
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    // The first statement that reads the file: an invalid header surfaces here as SQLITE_NOTADB.
    step = 'reading the schema';
    db.prepare(`SELECT count(*) FROM sqlite_schema`).get();
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latest) {
      throw new StoreError('too-new', `${file} has schema version ${version}, newer than this cellgate knows (${latest}); it was written by a newer release: upgrade cellgate or use another data directory`, file);
    }
    if (!opts.readonly) {
      step = 'setting journal_mode=WAL';
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') {
        throw new StoreError('io', `${file}: the file system refused WAL mode (journal_mode is ${String(mode)}); put the data directory on a local disk`, file);
      }
    }
    // FULL: fsync the WAL at every commit (https://www.sqlite.org/pragma.html#pragma_synchronous).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (version < latest) {
      if (opts.readonly) {
        throw new StoreError('schema-mismatch', `${file} has schema version ${version}, this cellgate needs ${latest}; open it once read-write (start the daemon) to migrate`, file);
      }
      for (const m of opts.migrations.slice(version)) {
        step = `applying migration ${m.version} (${m.name})`;
        const apply = db.transaction(() => {
          db!.exec(m.sql);
          db!.pragma(`user_version = ${m.version}`);
        });
        apply.immediate();
      }
    }
    if (check !== 'none') {
      step = 'checking the schema';
      const have = new Set(
        (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name),
      );
      const missing = opts.migrations.flatMap((m) => m.tables).filter((t) => !have.has(t));
      if (missing.length > 0) {
        throw new StoreError('schema-mismatch', `${file} claims schema version ${latest} but lacks table(s) ${missing.join(', ')}; it was changed by hand or by another program`, file);
      }
    }
    if (check === 'quick') {
      step = 'running PRAGMA quick_check';
      const rows = checkIntegrity(db, 'quick');
      if (!(rows.length === 1 && rows[0] === 'ok')) {
        throw new StoreError('corrupt', `${file} failed PRAGMA quick_check: ${rows.slice(0, 5).join('; ')}${rows.length > 5 ? ` (and ${rows.length - 5} more)` : ''}; restore a backup or recover it with \`sqlite3 ${file} .recover\``, file);
      }
    }
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {
      // already failing; the first error is the one to report
    }
    throw toStoreError(e, file, step);
  }
}
