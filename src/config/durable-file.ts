/**
 * A crash-safe JSON file for lowdb 7 (`Adapter<T>`).
 *
 * lowdb's own TextFile adapter (steno) writes a temp file and renames it, but never fsyncs, and a
 * corrupt file makes `read()` throw. This adapter:
 *  - writes `.<name>.<pid>.<n>.<random>.tmp` in the same directory, fsyncs it, keeps the current file (when it
 *    parses and passes the validator) as `<name>.bak` (hard link, or copy + fsync where links are not
 *    supported), renames the temp file over `<name>` and fsyncs the directory. A crash at any point
 *    leaves `<name>` either the old or the new complete document (rename(2) is atomic).
 *  - on read falls back to `<name>.bak` when `<name>` is corrupt (not JSON, or the validator rejects
 *    it) or missing while a backup exists, and reports that through `lastRecovery` / `onRecovery`.
 *    If neither is usable it throws a `DurableFileError` naming both files and reasons.
 *  - runs one write at a time; writes queued behind a running one are coalesced (the last one wins)
 *    and every `write()` promise resolves only once a document at least as new as its own is durable.
 */
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { formatJsonSyntaxError, parseJsonText } from './json-text.js';

export interface Recovery {
  from: 'bak';
  /** The main file that could not be used. */
  file: string;
  /** The backup the data came from. */
  backup: string;
  /** Why the main file was not used, e.g. `missing` or `not valid JSON at 3:7: ...`. */
  reason: string;
  /** One sentence for the log: `<file> was corrupt (<reason>); started from <file>.bak`. */
  message: string;
}

export interface DurableJsonFileOptions {
  /**
   * Extra corruption check after JSON parsing: return a reason to reject the document (it then counts
   * as corrupt and the backup is used), or undefined to accept it.
   */
  validate?: (data: unknown) => string | undefined;
  /** Exact mode for the file and its backup, e.g. 0o600 for files holding secrets. Default: 0o644 minus umask. */
  mode?: number;
  /** Called when `read()` had to use the backup. */
  onRecovery?: (r: Recovery) => void;
  /** JSON indentation of written files. Default 2. */
  indent?: number;
}

export class DurableFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly backup: string,
    readonly reasons: { file: string; backup: string },
  ) {
    super(message);
    this.name = 'DurableFileError';
  }
}

type Loaded = { state: 'ok'; value: unknown } | { state: 'missing' } | { state: 'bad'; reason: string };

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

const IGNORABLE_DIR_FSYNC = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP', 'EACCES']);
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EXDEV', 'ENOSYS']);

export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly backupFile: string;
  /** Set by the last `read()` when it used the backup; undefined when the main file was fine. */
  lastRecovery: Recovery | undefined;

  private readonly dir: string;
  private readonly base: string;
  private readonly opts: DurableJsonFileOptions;
  private seq = 0;
  private running = false;
  private pending: { text: string; waiters: Waiter[] } | null = null;
  private idle: Array<() => void> = [];
  private dirReady = false;
  private cleaned = false;

  constructor(file: string, opts: DurableJsonFileOptions = {}) {
    this.file = path.resolve(file);
    this.backupFile = `${this.file}.bak`;
    this.dir = path.dirname(this.file);
    this.base = path.basename(this.file);
    this.opts = opts;
  }

  async read(): Promise<T | null> {
    this.lastRecovery = undefined;
    await this.cleanStaleTemps();
    const main = await this.load(this.file);
    if (main.state === 'ok') return main.value as T;
    const bak = await this.load(this.backupFile);
    const mainReason = main.state === 'missing' ? 'missing' : main.reason;
    if (bak.state === 'ok') {
      const message =
        main.state === 'missing'
          ? `${this.file} was missing; started from ${this.backupFile}`
          : `${this.file} was corrupt (${main.reason}); started from ${this.backupFile}`;
      const r: Recovery = { from: 'bak', file: this.file, backup: this.backupFile, reason: mainReason, message };
      this.lastRecovery = r;
      try {
        this.opts.onRecovery?.(r);
      } catch {
        // a failing observer must not turn a successful recovery into a failed read
      }
      return bak.value as T;
    }
    if (main.state === 'missing' && bak.state === 'missing') return null;
    const bakReason = bak.state === 'missing' ? 'missing' : bak.reason;
    const message =
      main.state === 'missing'
        ? `${this.file} is missing and its backup ${this.backupFile} is unusable (${bakReason})`
        : bak.state === 'missing'
          ? `${this.file} is unusable (${main.reason}) and there is no backup ${this.backupFile}`
          : `${this.file} is unusable (${main.reason}) and so is its backup ${this.backupFile} (${bak.reason})`;
    throw new DurableFileError(message, this.file, this.backupFile, { file: mainReason, backup: bakReason });
  }

  write(data: T): Promise<void> {
    let text: string;
    try {
      text = `${JSON.stringify(data, null, this.opts.indent ?? 2)}\n`;
    } catch (e) {
      return Promise.reject(e);
    }
    if (typeof text !== 'string' || text === 'undefined\n') return Promise.reject(new TypeError('document is not JSON-serialisable'));
    return new Promise<void>((resolve, reject) => {
      if (this.pending) {
        this.pending.text = text;
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { text, waiters: [{ resolve, reject }] };
      }
      void this.pump();
    });
  }

  /** Resolves when no write is running or queued. */
  flush(): Promise<void> {
    if (!this.running && !this.pending) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending) {
        const job = this.pending;
        this.pending = null;
        try {
          await this.writeNow(job.text);
          for (const w of job.waiters) w.resolve();
        } catch (e) {
          for (const w of job.waiters) w.reject(e);
        }
      }
    } finally {
      this.running = false;
      const idle = this.idle;
      this.idle = [];
      for (const f of idle) f();
    }
  }

  private tempName(tag: string): string {
    // pid + sequence + random: unique even when a new process inherits a dead one's pid.
    return path.join(this.dir, `.${this.base}.${tag}${process.pid}.${this.seq++}.${randomBytes(4).toString('hex')}.tmp`);
  }

  private async writeNow(text: string): Promise<void> {
    if (!this.dirReady) {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.dirReady = true;
    }
    const tmp = this.tempName('');
    let renamed = false;
    try {
      const fh = await fsp.open(tmp, 'wx', this.opts.mode ?? 0o644);
      try {
        if (this.opts.mode !== undefined) await fh.chmod(this.opts.mode);
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      // Keep the current document as the backup, but only if it is a good one: a corrupt main file
      // must never replace a good backup. A corrupt one is kept aside as <name>.corrupt for the operator.
      const current = await this.load(this.file);
      if (current.state === 'ok') await this.backupCurrent();
      else if (current.state === 'bad') await this.setAsideCorrupt();
      await fsp.rename(tmp, this.file);
      renamed = true;
      await fsyncDir(this.dir);
    } finally {
      if (!renamed) await fsp.unlink(tmp).catch(() => undefined);
    }
  }

  /** Keeps a damaged main file as `<name>.corrupt` for the operator (with the file's mode: it may hold secrets). */
  private async setAsideCorrupt(): Promise<void> {
    const corrupt = `${this.file}.corrupt`;
    try {
      await fsp.copyFile(this.file, corrupt);
      if (this.opts.mode !== undefined) await fsp.chmod(corrupt, this.opts.mode);
    } catch {
      // best effort: the save itself must not fail over the copy
    }
  }

  private async backupCurrent(): Promise<void> {
    const tmp = this.tempName('bak.');
    try {
      try {
        // The current file was fsynced when it was written, so a second name for the same inode is enough.
        await fsp.link(this.file, tmp);
      } catch (e) {
        if (!NO_LINK.has(errCode(e))) throw e;
        await fsp.copyFile(this.file, tmp);
        const fh = await fsp.open(tmp, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      if (this.opts.mode !== undefined) await fsp.chmod(tmp, this.opts.mode);
      await fsp.rename(tmp, this.backupFile);
    } catch (e) {
      await fsp.unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  private async load(file: string): Promise<Loaded> {
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      const code = errCode(e);
      if (code === 'ENOENT') return { state: 'missing' };
      return { state: 'bad', reason: `cannot read it: ${code || String(e)}` };
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { state: 'bad', reason: `not valid JSON at ${formatJsonSyntaxError(parsed.error)}` };
    let why: string | undefined;
    try {
      why = this.opts.validate?.(parsed.value);
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    if (why !== undefined) return { state: 'bad', reason: why };
    return { state: 'ok', value: parsed.value };
  }

  /** Removes temp files left by processes that died mid-write (a live process's files are left alone). */
  private async cleanStaleTemps(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return;
    }
    const prefix = `.${this.base}.`;
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const m = /\.(\d+)\.\d+\.[0-9a-f]+\.tmp$/.exec(name);
      if (!m) continue;
      const pid = Number(m[1]);
      if (pid === process.pid || isAlive(pid)) continue;
      await fsp.unlink(path.join(this.dir, name)).catch(() => undefined);
    }
  }
}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM';
  }
}

/** Makes renames in `dir` durable. Platforms that cannot fsync a directory (Windows) are skipped. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    if (!IGNORABLE_DIR_FSYNC.has(errCode(e))) throw e;
  } finally {
    await fh?.close();
  }
}
