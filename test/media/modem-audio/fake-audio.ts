/** A manual monotonic clock with timers, and an in-process audio port, for the modem audio tests. */
import type { AtTransport } from '../../../src/at/types.js';
import type { TickClock } from '../../../src/media/modem-audio/writer-clock.js';

export class ManualClock implements TickClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  /** Extra lateness for each timer as it is set (jitter); 0 by default. */
  lateness: () => number = () => 0;

  now(): number {
    return this.t;
  }

  at(deadline: number, fn: () => void): () => void {
    const id = ++this.seq;
    this.timers.push({ at: Math.max(this.t, deadline) + this.lateness(), fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward to `this.t + ms`, firing timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}

/** One open of a fake audio port: what the end wrote, and a way to send it bytes or unplug it. */
export class FakeAudioPort implements AtTransport {
  private dataListener: ((b: Buffer) => void) | undefined;
  private closeListener: ((e?: Error) => void) | undefined;
  readonly written: Buffer[] = [];
  closed = false;

  onData(l: (b: Buffer) => void): void {
    this.dataListener = l;
  }
  onClose(l: (e?: Error) => void): void {
    this.closeListener = l;
  }
  write(data: Buffer | string): void {
    if (!this.closed) this.written.push(Buffer.from(data));
  }
  async close(): Promise<void> {
    this.unplug();
  }
  unplug(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListener?.();
  }
  send(bytes: Buffer): void {
    if (!this.closed) this.dataListener?.(bytes);
  }
}

/** An AudioPortOpener over fake ports; `fail` makes the next opens reject. */
export class FakeOpener {
  readonly path = 'fake-audio';
  readonly opened: FakeAudioPort[] = [];
  fail = false;

  async open(): Promise<AtTransport> {
    if (this.fail) throw new Error('fake-audio: no such device');
    const p = new FakeAudioPort();
    this.opened.push(p);
    return p;
  }

  get last(): FakeAudioPort {
    return this.opened[this.opened.length - 1]!;
  }
}

/** `n` samples of a sine of `hz` at `rate`, amplitude `amp`, starting at sample `from`. */
export function tone(hz: number, rate: number, n: number, amp = 10000, from = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * hz * (from + i)) / rate));
  return out;
}

/** RMS of a signal. */
export function rms(x: Int16Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}
