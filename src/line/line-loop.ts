/**
 * A line's connection loop: open the port, bring the modem up, monitor it until the connection is lost,
 * close, then recover: reopen after a pause (backing off while the port is missing or the bring-up keeps
 * failing), or power-cycle a modem that went silent first. Nothing may stop the loop for good.
 */
import { AtTimeoutError } from '../at/types.js';
import { bringUp, NOT_POWER_CYCLED } from './bring-up.js';
import { Connection, ConnectionLost, type AtCounters } from './connection.js';
import { isConnected } from './lifecycle.js';
import { clearRadio, type LineContext } from './line-context.js';
import { monitor } from './monitor.js';
import type { OpenedPort, PortProvider } from './port-provider.js';

export interface LineLoopOptions {
  port: PortProvider;
  isEnabled(): boolean;
  /** Wakes the line's sleeps (a lost connection cuts them short). */
  wake(): void;
}

export class LineLoop {
  /** The open connection, null between connections. */
  conn: Connection | null = null;
  /** AT counters of closed connections (the open one's are added by the line's status()). */
  readonly at: AtCounters = { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0 };
  /** Back-off delays for a missing port and for a bring-up that keeps failing. */
  private openDelay = 0;
  private failDelay = 0;

  constructor(
    private readonly ctx: LineContext,
    private readonly o: LineLoopOptions,
  ) {}

  async run(): Promise<void> {
    while (this.ctx.isRunning()) {
      try {
        await this.cycle();
      } catch (e) {
        // Nothing may stop a line for good: log, wait, go round again.
        this.ctx.log.error({ err: e }, 'line loop error; continuing');
        await this.ctx.sleep(this.ctx.timing.reopenDelayMs);
      }
    }
  }

  /** One connection: open, bring up, monitor, close, recover. */
  private async cycle(): Promise<void> {
    const { ctx, o } = this;
    if (!o.isEnabled()) {
      await ctx.sleep(60_000);
      return;
    }
    let opened: OpenedPort;
    try {
      opened = await o.port.open(ctx.board.st.modem.imei);
    } catch (e) {
      if (!o.isEnabled()) return;
      ctx.board.enter('absent', 'absent', { detail: `modem not found (${o.port.describe()}): ${(e as Error).message}` });
      clearRadio(ctx);
      this.openDelay = this.backoff(this.openDelay);
      await ctx.sleep(this.openDelay);
      return;
    }
    this.openDelay = 0;
    const conn = this.connect(opened);
    let lost: ConnectionLost;
    let reachedMonitor = false;
    try {
      if (!o.isEnabled() || !ctx.isRunning()) throw new ConnectionLost('closed while opening', false);
      await conn.race(bringUp(ctx, conn));
      reachedMonitor = true;
      this.failDelay = 0;
      await conn.race(monitor(ctx, conn));
      lost = new ConnectionLost('monitor ended', false);
    } catch (e) {
      lost = e instanceof ConnectionLost ? e : this.classify(conn, e as Error);
    }
    await this.disconnect(conn, lost);
    if (!ctx.isRunning() || !o.isEnabled()) return;
    if (lost.unresponsive) {
      // Silence after the modem had answered counts as the first unanswered attempt.
      ctx.attempts.unanswered = Math.max(ctx.attempts.unanswered, 1);
      await this.recover(conn, lost.reason);
      return;
    }
    // A bring-up that keeps failing (wrong IMEI, ERROR during identification) backs off.
    this.failDelay = reachedMonitor ? 0 : this.backoff(this.failDelay);
    await ctx.sleep(Math.max(this.failDelay, ctx.timing.reopenDelayMs));
  }

  private backoff(prev: number): number {
    const t = this.ctx.timing;
    return prev === 0 ? t.reopenDelayMs : Math.min(prev * 2, t.maxReopenDelayMs);
  }

  private connect(opened: OpenedPort): Connection {
    const { ctx } = this;
    const conn = new Connection(opened, {
      lineId: ctx.id,
      log: ctx.log,
      commandTimeoutMs: ctx.timing.commandTimeoutMs,
      unresponsiveAfterMs: ctx.timing.unresponsiveAfterMs,
      now: ctx.now,
      counters: this.at,
      onLost: () => this.o.wake(),
      onSuspect: (detail) => {
        if (this.conn === conn && !conn.isLost) ctx.board.suspect(detail);
      },
    });
    this.conn = conn;
    ctx.board.update({ modem: { ...ctx.board.st.modem, port: opened.path, usbPath: opened.usbPath } });
    return conn;
  }

  private async disconnect(conn: Connection, why: ConnectionLost): Promise<void> {
    const { ctx } = this;
    conn.lose(why);
    if (this.conn === conn) this.conn = null;
    ctx.second.end(null);
    ctx.calls.dropped();
    this.at.commands += conn.channel.stats.commands;
    this.at.errors += conn.channel.stats.errors;
    ctx.log.info({ reason: why.reason }, 'modem connection closed');
    // Nothing the closed connection reported is known any more.
    clearRadio(ctx);
    const modem = { ...ctx.board.st.modem, port: null, usbPath: null };
    if (isConnected(ctx.board.phase)) ctx.board.enter('closed', undefined, { modem });
    else ctx.board.update({ modem });
    await conn.close(why.reason);
  }

  private async recover(conn: Connection, reason: string): Promise<void> {
    const { ctx } = this;
    const st = ctx.board.st;
    ctx.board.enter('resetting', 'resetting', { detail: `resetting: ${reason}`, resets: st.resets + 1, lastReset: { at: new Date(ctx.now()).toISOString(), reason } });
    clearRadio(ctx);
    ctx.log.warn({ reason }, 'modem unresponsive; resetting');
    let how: string | null = null;
    try {
      how = await this.o.port.hardReset(reason);
    } catch (e) {
      ctx.log.error({ err: e }, 'hard reset failed');
    }
    ctx.attempts.notPowerCycled = how === null;
    if (how === null) ctx.log.warn({ port: conn.opened.path }, `modem not reset: ${NOT_POWER_CYCLED}; reopening the port`);
    else ctx.log.info({ how, port: conn.opened.path }, 'modem reset');
    await ctx.sleep(ctx.timing.reopenDelayMs);
  }

  private classify(conn: Connection, e: Error): ConnectionLost {
    const { ctx } = this;
    if (e instanceof AtTimeoutError) {
      // Bring-up cannot go on without an answer; whether that calls for a reset is the silence rule's call.
      const silent = conn.watchdog.silentFor();
      return new ConnectionLost(`${e.message} (silent for ${Math.round(silent / 1000)} s)`, silent >= ctx.timing.unresponsiveAfterMs);
    }
    ctx.log.error({ err: e }, 'line bring-up failed');
    const change = ctx.board.switching;
    if (change) change.lastError = e.message;
    ctx.board.update({ detail: e.message });
    return new ConnectionLost(e.message, false);
  }
}
