/**
 * The data directory holds secrets: `config.json` (SIM PINs, SMTP and SMPP passwords, signing keys),
 * `auth.json` (password hashes) and `cellgate.db` (every message sent and received). Only the daemon's
 * user may read any of it.
 *
 * Writers create their files with exact modes whatever the umask (0600; SQLite gives `-wal` and
 * `-shm` the database file's mode). `secureDataDir` runs at start and repairs what an older version,
 * a restore or a hand edit left: the directory becomes 0700 and every file and directory in it loses
 * its group and other permission bits (0644 → 0600). Each change is logged. Symbolic links are not
 * followed: what they point to is not part of the data directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../util/log.js';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** Permission bits of the group and of others. */
const SHARED_BITS = 0o077;

export interface ModeChange {
  path: string;
  /** Octal, e.g. "0644". */
  from: string;
  to: string;
}

export interface SecureDataDirOptions {
  log: Logger;
  /** Files outside the directory that hold secrets too (a `--config` file elsewhere and its backup). */
  extraFiles?: readonly string[];
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/**
 * Creates `dir` (mode 0700) when missing, else tightens it and everything in it. Returns what was
 * changed. A file it may not change (another user's) is logged as an error and left as it is; only a
 * directory that cannot be created or read throws.
 */
export function secureDataDir(dir: string, opts: SecureDataDirOptions): ModeChange[] {
  const { log } = opts;
  const changes: ModeChange[] = [];
  const created = fs.mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  // mkdir's mode passes through the umask; chmod makes it exact.
  if (created !== undefined) fs.chmodSync(dir, DATA_DIR_MODE);

  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new Error(`data directory ${dir} is not a directory`);
  if ((st.mode & SHARED_BITS) !== 0 && created === undefined) {
    if (chmod(dir, DATA_DIR_MODE, log)) {
      changes.push({ path: dir, from: octal(st.mode), to: octal(DATA_DIR_MODE) });
      log.warn({ dir, from: octal(st.mode), to: octal(DATA_DIR_MODE) }, `data directory ${dir} was ${octal(st.mode)}; made it ${octal(DATA_DIR_MODE)} so that only its owner can read it`);
    }
  }

  const inside: ModeChange[] = [];
  tightenTree(dir, inside, log);
  for (const f of opts.extraFiles ?? []) {
    const resolved = path.resolve(f);
    if (isInside(resolved, path.resolve(dir))) continue;
    tightenEntry(resolved, inside, log);
  }
  if (inside.length > 0) {
    log.warn(
      { files: inside.map((c) => `${c.path} ${c.from} → ${c.to}`) },
      `${inside.length} file${inside.length === 1 ? ' was' : 's were'} readable by other users; removed their group and other permissions`,
    );
  }
  return [...changes, ...inside];
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function tightenTree(dir: string, changes: ModeChange[], log: Logger): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    log.error({ dir, err: errText(e) }, `cannot list ${dir} to check its permissions`);
    return;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    if (tightenEntry(p, changes, log) === 'directory') tightenTree(p, changes, log);
  }
}

/** Removes the group and other bits of one file or directory (not following links). */
function tightenEntry(p: string, changes: ModeChange[], log: Logger): 'directory' | 'other' | 'missing' {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    log.error({ file: p, err: errText(e) }, `cannot check the permissions of ${p}`);
    return 'other';
  }
  if (st.isSymbolicLink()) return 'other';
  if ((st.mode & SHARED_BITS) !== 0) {
    const to = st.mode & 0o700;
    if (chmod(p, to, log)) changes.push({ path: p, from: octal(st.mode), to: octal(to) });
  }
  return st.isDirectory() ? 'directory' : 'other';
}

function chmod(p: string, mode: number, log: Logger): boolean {
  try {
    fs.chmodSync(p, mode);
    return true;
  } catch (e) {
    log.error({ file: p, err: errText(e) }, `cannot restrict the permissions of ${p} (it stays readable by other users)`);
    return false;
  }
}

function errText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}
