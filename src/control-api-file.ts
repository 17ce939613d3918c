/**
 * Where the running daemon's simulator control API listens, for `cellgate simulate`: the daemon writes
 * `<dataDir>/simulator-control.json` (mode 0600) once it is up and removes it on a clean stop:
 *   { "url": "http://127.0.0.1:8081", "pid": 1234, "startedAt": "2026-01-01T00:00:00.000Z" }
 * After a crash the file stays behind; the pid in it tells a stale file from a live one.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { processAlive } from './util/process-alive.js';

export const CONTROL_API_FILE_NAME = 'simulator-control.json';

export function controlApiFilePath(dataDir: string): string {
  return path.join(dataDir, CONTROL_API_FILE_NAME);
}

/** Writes the file atomically (temporary file, then rename), readable by the owner only. */
export function writeControlApiFile(dataDir: string, url: string, pid = process.pid): void {
  const file = controlApiFilePath(dataDir);
  const tmp = `${file}.${pid}.${randomBytes(4).toString('hex')}.tmp`;
  const doc = { url, pid, startedAt: new Date().toISOString() };
  try {
    writeFileSync(tmp, `${JSON.stringify(doc)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Removes the file if this process wrote it (another daemon's file is left alone). */
export function removeControlApiFile(dataDir: string, pid = process.pid): void {
  const found = readControlApiFile(dataDir);
  if (found.kind !== 'missing' && found.kind !== 'invalid' && found.pid === pid) rmSync(found.file, { force: true });
}

export type ControlApiLookup =
  | { kind: 'live'; url: string; pid: number; file: string }
  | { kind: 'stale'; url: string; pid: number; file: string }
  | { kind: 'missing'; file: string }
  | { kind: 'invalid'; file: string; reason: string };

/** Reads the file: the address when the daemon that wrote it still runs, else why not. */
export function readControlApiFile(dataDir: string): ControlApiLookup {
  const file = controlApiFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', file };
    return { kind: 'invalid', file, reason: code ?? (e as Error).message };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'invalid', file, reason: 'not JSON' };
  }
  const { url, pid } = (doc ?? {}) as { url?: unknown; pid?: unknown };
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url) || typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
    return { kind: 'invalid', file, reason: 'expected {"url": "http://…", "pid": N}' };
  }
  return { kind: processAlive(pid) ? 'live' : 'stale', url, pid, file };
}
