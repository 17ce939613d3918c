/**
 * The host's end of a simulated modem's AT port: an AtTransport whose bytes to the host are delivered on
 * a later turn of the event loop (never inside the host's write()), as a tty's would be.
 */
import type { AtTransport } from '../../../src/at/types.js';

/** The host's end of the AT port. */
export class SimPort implements AtTransport {
  closed = false;
  private listener: ((chunk: Buffer) => void) | null = null;
  private closeListener: ((err?: Error) => void) | null = null;
  private out: string[] = [];
  private scheduled = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly released: (p: SimPort) => void) {}

  write(data: Buffer | string): void {
    if (this.closed) return;
    this.input?.(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Set by the modem: where host bytes go. */
  input: ((b: Buffer) => void) | null = null;

  onData(listener: (chunk: Buffer) => void): void {
    this.listener = listener;
    this.schedule();
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListener = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.gone();
    this.released(this);
  }

  /** Modem → host bytes (latin1), delivered on a later turn of the event loop. */
  send(s: string): void {
    if (this.closed || s === '') return;
    this.out.push(s);
    this.schedule();
  }

  /** Runs `fn` once everything written so far has reached the host (or the port is gone). */
  whenFlushed(fn: () => void): void {
    if (this.closed || (this.out.length === 0 && !this.scheduled)) setImmediate(fn);
    else this.waiters.push(fn);
  }

  drop(): void {
    this.out = [];
  }

  /** The port disappears (restart, unplug, host close): the close listener hears about it once. */
  gone(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.out = [];
    const w = this.waiters.splice(0);
    setImmediate(() => {
      this.closeListener?.(err);
      for (const f of w) f();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.out.length === 0 || !this.listener) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    const data = this.out.join('');
    this.out = [];
    if (data !== '' && this.listener) {
      try {
        this.listener(Buffer.from(data, 'latin1'));
      } catch {
        // a throwing host listener must not break the modem
      }
    }
    if (this.out.length === 0) for (const f of this.waiters.splice(0)) f();
  }
}
