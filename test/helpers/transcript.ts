/**
 * Transcript fixtures: verbatim AT exchanges kept as text with escapes so that every byte is visible.
 *
 * File format (fixtures/<family>/<model>/<name>.txt):
 *   # source: <vendor manual and section, or "captured from <device>, firmware ...">   (required)
 *   # any other comment line
 *   --> AT+CSQ\r                      bytes the host writes
 *   <-- \r\n+CSQ: 28,99\r\n\r\nOK\r\n  bytes the modem writes (one chunk per line, sent in order after the
 *                                      preceding --> matched)
 * Escapes: \r \n \\ \xHH (e.g. \x1a for Ctrl-Z, \x1b for ESC). Trailing spaces are significant only
 * when escaped as \x20. Blank lines are ignored.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AtTransport } from '../../src/at/types.js';

export interface TranscriptStep {
  dir: 'host' | 'modem';
  data: Buffer;
}

export interface Transcript {
  file: string;
  source: string;
  comments: string[];
  steps: TranscriptStep[];
}

export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'fixtures'))) return d;
    const up = dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
}

export function unescapeBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) out.push(b);
      continue;
    }
    const n = s[++i];
    if (n === 'r') out.push(13);
    else if (n === 'n') out.push(10);
    else if (n === '\\') out.push(92);
    else if (n === 'x') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`bad escape \\${n}`);
  }
  return Buffer.from(out);
}

export function parseTranscript(text: string, file = '<inline>'): Transcript {
  const steps: TranscriptStep[] = [];
  const comments: string[] = [];
  let source = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const c = line.slice(1).trim();
      comments.push(c);
      const m = /^source:\s*(.+)$/i.exec(c);
      if (m) source = m[1]!;
      continue;
    }
    const m = /^(-->|<--) ?(.*)$/.exec(line);
    if (!m) throw new Error(`${file}: cannot read line: ${line}`);
    steps.push({ dir: m[1] === '-->' ? 'host' : 'modem', data: unescapeBytes(m[2]!) });
  }
  if (!source) throw new Error(`${file}: missing "# source:" line`);
  return { file, source, comments, steps };
}

export function loadTranscript(path: string): Transcript {
  return parseTranscript(readFileSync(path, 'utf8'), path);
}

/** All transcript files under fixtures/<sub> (recursively), sorted. */
export function listFixtures(sub = ''): string[] {
  const base = join(repoRoot(), 'fixtures', sub);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.txt')) out.push(p);
    }
  };
  if (existsSync(base)) walk(base);
  return out;
}

/** Everything the modem side sends in a transcript, concatenated (what a framer would be fed). */
export function modemBytes(t: Transcript): Buffer {
  return Buffer.concat(t.steps.filter((s) => s.dir === 'modem').map((s) => s.data));
}

/**
 * A fake AT port that plays a transcript: it waits for the host to write exactly the next `-->` bytes,
 * then writes the `<--` chunks that follow. Mismatches are recorded in `errors` (and the modem goes silent,
 * as a real one answering something else would look to the test).
 */
export class ScriptedModem implements AtTransport {
  readonly errors: string[] = [];
  readonly written: Buffer[] = [];
  private pos = 0;
  private pending = Buffer.alloc(0);
  private dataListener: ((b: Buffer) => void) | undefined;
  private closeListener: ((e?: Error) => void) | undefined;
  private closed = false;

  constructor(readonly transcript: Transcript) {}

  onData(l: (b: Buffer) => void): void {
    this.dataListener = l;
    setImmediate(() => this.flushModem());
  }
  onClose(l: (e?: Error) => void): void {
    this.closeListener = l;
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeListener?.();
  }

  write(data: Buffer | string): void {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.written.push(b);
    this.pending = Buffer.concat([this.pending, b]);
    const step = this.transcript.steps[this.pos];
    if (!step || step.dir !== 'host') {
      this.errors.push(`unexpected host bytes ${JSON.stringify(this.pending.toString('latin1'))} at step ${this.pos}`);
      this.pending = Buffer.alloc(0);
      return;
    }
    if (this.pending.length < step.data.length) {
      if (!step.data.subarray(0, this.pending.length).equals(this.pending)) this.mismatch(step);
      return;
    }
    if (!this.pending.subarray(0, step.data.length).equals(step.data)) return this.mismatch(step);
    this.pending = this.pending.subarray(step.data.length);
    this.pos++;
    setImmediate(() => this.flushModem());
  }

  /** True when every step was played. */
  get finished(): boolean {
    return this.pos >= this.transcript.steps.length;
  }

  private mismatch(step: TranscriptStep): void {
    this.errors.push(
      `step ${this.pos}: host wrote ${JSON.stringify(this.pending.toString('latin1'))}, transcript expects ${JSON.stringify(step.data.toString('latin1'))}`,
    );
    this.pending = Buffer.alloc(0);
  }

  private flushModem(): void {
    while (!this.closed && this.dataListener) {
      const step = this.transcript.steps[this.pos];
      if (!step || step.dir !== 'modem') return;
      this.pos++;
      this.dataListener(step.data);
    }
  }
}
