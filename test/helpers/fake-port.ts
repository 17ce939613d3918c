/**
 * An in-process AT port for tests and benchmarks: the host's writes are cut into command lines (CR) and
 * prompt payloads (Ctrl-Z / ESC), handed to a responder that answers through `send()`.
 */
import type { AtTransport } from '../../src/at/types.js';

export type Responder = (cmd: string, port: FakePort) => void;

export class FakePort implements AtTransport {
  private dataListener: ((b: Buffer) => void) | undefined;
  private closeListener: ((e?: Error) => void) | undefined;
  private buf = '';
  /** When true, bytes up to Ctrl-Z/ESC are prompt payload, not a command. */
  inPrompt = false;
  /** Every command line received, in order (payloads appear as `<payload>` entries prefixed by 'PDU:'). */
  readonly received: string[] = [];
  /** When set, writes are recorded but nothing is answered (a hung modem). */
  silent = false;
  closed = false;
  /** Delivers replies synchronously (fast, for benchmarks) instead of on the next tick. */
  sync = false;

  constructor(public responder: Responder) {}

  onData(l: (b: Buffer) => void): void {
    this.dataListener = l;
  }
  onClose(l: (e?: Error) => void): void {
    this.closeListener = l;
  }
  async close(): Promise<void> {
    this.unplug();
  }

  /** Simulates the device vanishing. */
  unplug(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListener?.(err);
  }

  write(data: Buffer | string): void {
    if (this.closed) return;
    this.buf += typeof data === 'string' ? data : data.toString('latin1');
    for (;;) {
      if (this.inPrompt) {
        const z = this.buf.search(/[\x1a\x1b]/);
        if (z < 0) return;
        const payload = this.buf.slice(0, z);
        const aborted = this.buf[z] === '\x1b';
        this.buf = this.buf.slice(z + 1);
        this.inPrompt = false;
        this.received.push((aborted ? 'ESC:' : 'PDU:') + payload);
        if (!this.silent) this.responder((aborted ? 'ESC:' : 'PDU:') + payload, this);
        continue;
      }
      if (this.buf[0] === '\x1b') {
        this.buf = this.buf.slice(1);
        this.received.push('ESC');
        continue;
      }
      const cr = this.buf.indexOf('\r');
      if (cr < 0) return;
      const cmd = this.buf.slice(0, cr).replace(/^[\r\n]+/, '');
      this.buf = this.buf.slice(cr + 1);
      if (cmd === '') continue;
      this.received.push(cmd);
      if (!this.silent) this.responder(cmd, this);
    }
  }

  /** Sends raw modem bytes to the host. */
  send(text: string | Buffer): void {
    if (this.closed || !this.dataListener) return;
    const b = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    if (this.sync) this.dataListener(b);
    else setImmediate(() => !this.closed && this.dataListener?.(b));
  }

  /** Sends `\r\n<line>\r\n` for each line, then `\r\nOK\r\n` unless final is given ('' for none). */
  reply(lines: string[] = [], final = 'OK'): void {
    let s = '';
    for (const l of lines) s += `\r\n${l}\r\n`;
    if (final) s += `\r\n${final}\r\n`;
    this.send(s);
  }

  /** Shows the `> ` prompt (TS 27.005 §3.5.1). */
  prompt(): void {
    this.inPrompt = true;
    this.send('\r\n> ');
  }
}
