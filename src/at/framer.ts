/**
 * AT response framer: raw bytes in, tokens out. Pure (no I/O, no timers) and independent of how the
 * bytes were chunked: every decision is taken per byte, so feeding a transcript whole or split at any
 * offset yields the same tokens.
 *
 * ITU-T V.250 §5.7.1: with verbose responses (ATV1) every information text and result code is framed
 * as <CR><LF>text<CR><LF>; echo (ATE1) returns the command line terminated by <CR> only. Real modems
 * also send bare <LF> or <CR> terminators, so any of CR, LF, CRLF ends a line and empty lines vanish.
 * 3GPP TS 27.005 §3.5.1: after AT+CMGS=<length> the modem sends the four characters <CR><LF><greater_than>
 * <space> and waits for the PDU; that prompt has no terminator, so it is recognised at the start of a line.
 * No AT line starts with '>', so the prompt is recognised whether or not the channel expected one (a
 * prompt nobody asked for is a stuck modem, which the channel then frees with ESC).
 */

export type FrameToken =
  | { kind: 'line'; text: string }
  | { kind: 'prompt' }
  /** Bytes outside printable ASCII (and over-long lines) that were dropped from the line that just ended. */
  | { kind: 'garbage'; bytes: number; sample: string };

/** A line longer than this is not AT traffic (the longest legitimate one, a +CMGL PDU, is under 400). */
export const MAX_LINE = 4096;

const CR = 13;
const LF = 10;
const GT = 62;
const SPACE = 32;
const TAB = 9;
const CTRL_Z = 0x1a;
const ESC = 0x1b;

export class AtFramer {
  private partial = '';
  private garbage = 0;
  private garbageSample = '';
  private overflow = 0;
  private skipSpace = false;

  /** Feeds bytes; calls `out` for every complete token, in order. */
  feed(chunk: Uint8Array, out: (t: FrameToken) => void): void {
    const n = chunk.length;
    let runStart = 0;
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      if (b === CR || b === LF) {
        if (i > runStart) this.append(chunk, runStart, i);
        this.endLine(out);
        this.skipSpace = false;
        runStart = i + 1;
        continue;
      }
      if (this.skipSpace) {
        this.skipSpace = false;
        if (b === SPACE) {
          runStart = i + 1;
          continue;
        }
      }
      if (b === GT && i === runStart && this.partial.length === 0 && this.garbage === 0 && this.overflow === 0) {
        out({ kind: 'prompt' });
        this.skipSpace = true;
        runStart = i + 1;
        continue;
      }
      if ((b < SPACE && b !== TAB) || b > 126) {
        if (i > runStart) this.append(chunk, runStart, i);
        // Ctrl-Z and ESC are echoed back after a PDU (echo on) or an aborted prompt: expected, not noise.
        if (b !== CTRL_Z && b !== ESC) {
          if (this.garbageSample.length < 16) this.garbageSample += '\\x' + b.toString(16).padStart(2, '0');
          this.garbage++;
        }
        runStart = i + 1;
      }
    }
    if (n > runStart) this.append(chunk, runStart, n);
  }

  /** True when bytes of an unfinished line are held. */
  get pending(): boolean {
    return this.partial.length > 0 || this.garbage > 0 || this.overflow > 0;
  }

  /** Forgets any unfinished line (after a port reopen). */
  reset(): void {
    this.partial = '';
    this.garbage = 0;
    this.garbageSample = '';
    this.overflow = 0;
    this.skipSpace = false;
  }

  private append(chunk: Uint8Array, from: number, to: number): void {
    if (this.overflow > 0) {
      this.overflow += to - from;
      return;
    }
    this.partial += latin1(chunk, from, to);
    if (this.partial.length > MAX_LINE) {
      this.overflow = this.partial.length;
      this.garbageSample = this.partial.slice(0, 16);
      this.partial = '';
    }
  }

  private endLine(out: (t: FrameToken) => void): void {
    if (this.overflow > 0) {
      out({ kind: 'garbage', bytes: this.overflow + this.garbage, sample: this.garbageSample });
    } else {
      if (this.garbage > 0) out({ kind: 'garbage', bytes: this.garbage, sample: this.garbageSample });
      if (this.partial.length > 0) out({ kind: 'line', text: this.partial });
    }
    this.partial = '';
    this.garbage = 0;
    this.garbageSample = '';
    this.overflow = 0;
  }
}

function latin1(chunk: Uint8Array, from: number, to: number): string {
  if (Buffer.isBuffer(chunk)) return chunk.toString('latin1', from, to);
  return Buffer.from(chunk.buffer, chunk.byteOffset + from, to - from).toString('latin1');
}
