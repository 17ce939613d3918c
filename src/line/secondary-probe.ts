/**
 * The modem's second AT port as the watchdog uses it: it writes `AT` there while the main AT port waits for
 * the network (AT+CMGS, ATD …) and counts what comes back. Any byte is an answer: the echo, OK, a URC.
 * Nothing else is sent on it, so a program that uses the port for data cannot be disturbed outside those
 * probes (decision 0016).
 */
import type { AtTransport } from '../at/types.js';

export class SecondaryProbe {
  /** Chunks received so far. */
  rxChunks = 0;
  /** When the last byte came in (ms since the epoch; 0: never). */
  lastRxAt = 0;
  private closed = false;

  constructor(
    private readonly transport: AtTransport,
    readonly path: string,
    private readonly now: () => number,
  ) {
    transport.onData(() => {
      this.rxChunks++;
      this.lastRxAt = this.now();
    });
    transport.onClose(() => {
      this.closed = true;
    });
  }

  /**
   * Whether this port answered on this connection. Only then does its silence count: a port that never
   * answered may not be an AT port at all (another firmware composition, held by another program).
   */
  get proven(): boolean {
    return this.rxChunks > 0 && !this.closed;
  }

  probe(): void {
    if (!this.closed) this.transport.write('AT\r');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.transport.close().catch(() => {});
  }
}
