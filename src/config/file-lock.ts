/**
 * A lock between processes that read, change and write the same file (the daemon and `cellgate user`
 * on auth.json): `<file>.lock`, created exclusively (O_CREAT|O_EXCL) with the holder's pid in it.
 * A lock whose holder no longer runs is taken over; one that stays held past the timeout is an error.
 */
import { promises as fsp } from 'node:fs';
import { processAlive } from '../util/process-alive.js';

export class FileLockTimeout extends Error {
  constructor(lockFile: string, holder: string) {
    super(`${lockFile} is held by ${holder}; try again, or remove it if that process is gone`);
    this.name = 'FileLockTimeout';
  }
}

/** How long a lock file without a readable pid may exist before it counts as left behind. */
const UNREADABLE_LOCK_STALE_MS = 10_000;

async function takeOverIfStale(lockFile: string): Promise<string> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([fsp.readFile(lockFile, 'utf8'), fsp.stat(lockFile).then((s) => s.mtimeMs)]);
  } catch {
    return 'nobody (it is gone)';
  }
  const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
  const stale = pid !== undefined ? !processAlive(pid) : Date.now() - mtimeMs > UNREADABLE_LOCK_STALE_MS;
  if (stale) await fsp.rm(lockFile, { force: true });
  return pid !== undefined ? `process ${pid}` : 'an unknown process';
}

/** Runs `f` holding `<file>.lock`. */
export async function withFileLock<T>(file: string, f: () => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let delay = 5;
  for (;;) {
    try {
      const fh = await fsp.open(lockFile, 'wx', 0o600);
      try {
        await fh.writeFile(String(process.pid));
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await takeOverIfStale(lockFile);
      if (Date.now() > deadline) throw new FileLockTimeout(lockFile, holder);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await f();
  } finally {
    await fsp.rm(lockFile, { force: true });
  }
}
