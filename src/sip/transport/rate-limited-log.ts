import type { Logger } from '../../util/log.js';

/**
 * Debug logging for events a peer can trigger at will (garbage datagrams, framing errors): at most
 * `perWindow` lines per window, then one line saying how many were left out.
 */
export class RateLimitedLog {
  private windowStart = 0;
  private logged = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly perWindow = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  debug(fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.log.debug({ suppressed: this.suppressed }, 'similar lines not logged in the last window');
      this.windowStart = t;
      this.logged = 0;
      this.suppressed = 0;
    }
    if (this.logged < this.perWindow) {
      this.logged++;
      this.log.debug(fields, message);
    } else {
      this.suppressed++;
    }
  }

  /** Lines left out in the current window. */
  get suppressedCount(): number {
    return this.suppressed;
  }
}
