/**
 * One open connection of a line to its modem: the port, the AT channel on it, the modem's second AT port
 * when it has one, the modem's capabilities once identified, the watchdog, and the promise that rejects when the connection is lost (every step
 * of the bring-up and the monitor races against it).
 */
import { AtChannel } from '../at/channel.js';
import type { Modem } from '../../modem-drivers/capabilities.js';
import type { SimSwitch } from '../../modem-drivers/sim-switch/types.js';
import type { Logger } from '../util/log.js';
import type { OpenedPort } from './port-provider.js';
import { SecondaryProbe } from './secondary-probe.js';
import { Watchdog } from './watchdog.js';

/** Why a connection ended; `unresponsive`: the modem went silent (the line resets it). */
export class ConnectionLost extends Error {
  constructor(
    readonly reason: string,
    readonly unresponsive: boolean,
  ) {
    super(reason);
  }
}

/** AT traffic counters the line adds up across connections. */
export interface AtCounters {
  commands: number;
  timeouts: number;
  errors: number;
  garbageBytes: number;
}

export interface ConnectionOptions {
  lineId: number;
  log: Logger;
  commandTimeoutMs: number;
  unresponsiveAfterMs: number;
  now: () => number;
  /** Where timeouts and garbage bytes are counted (they outlive the connection). */
  counters: AtCounters;
  /** Called when the connection is lost, for any reason (wakes the line's sleeps). */
  onLost: () => void;
  /** The watchdog suspects the modem (why), or null: it spoke again. */
  onSuspect?: (detail: string | null) => void;
}

export class Connection {
  readonly channel: AtChannel;
  readonly watchdog: Watchdog;
  /** The modem's second AT port, probed while the AT port waits for the network; null without one. */
  readonly secondary: SecondaryProbe | null;
  /** The modem's capabilities, once its family is known (identify step). */
  modem: Modem | null = null;
  simSwitch: SimSwitch | null = null;
  /** The network's time was read on this connection (once, after registering). */
  timeRead = false;
  /** Rejects with ConnectionLost when the connection is lost; never resolves. */
  readonly lost: Promise<never>;
  private rejectLost!: (e: ConnectionLost) => void;
  private lostFlag = false;

  constructor(
    readonly opened: OpenedPort,
    private readonly o: ConnectionOptions,
  ) {
    this.channel = new AtChannel(opened.transport, { log: o.log, name: `L${o.lineId}`, defaultTimeoutMs: o.commandTimeoutMs });
    this.lost = new Promise<never>((_, reject) => (this.rejectLost = reject));
    this.lost.catch(() => {});
    this.secondary = opened.secondary ? new SecondaryProbe(opened.secondary.transport, opened.secondary.path, o.now) : null;
    this.watchdog = new Watchdog(this.channel, {
      unresponsiveAfterMs: o.unresponsiveAfterMs,
      since: o.now(),
      now: o.now,
      onSilent: (ms) => this.lose(new ConnectionLost(`no answer from the modem for ${Math.round(ms / 1000)} s`, true)),
      ...(o.onSuspect ? { onSuspect: o.onSuspect } : {}),
      secondary: this.secondary,
    });
    this.watchdog.proveSecondary();
    this.channel.onEvent((ev) => {
      if (ev.type === 'sent') {
        if (ev.network) this.watchdog.networkSent();
        else this.watchdog.owe();
      } else if (ev.type === 'closed') this.lose(new ConnectionLost(`port closed${ev.error ? `: ${ev.error.message}` : ''}`, false));
      else if (ev.type === 'timeout') o.counters.timeouts++;
      else if (ev.type === 'garbage') o.counters.garbageBytes += ev.bytes;
    });
  }

  get isLost(): boolean {
    return this.lostFlag;
  }

  lose(e: ConnectionLost): void {
    if (this.lostFlag) return;
    this.lostFlag = true;
    this.watchdog.stop();
    this.rejectLost(e);
    this.o.onLost();
  }

  /** Throws when the connection went away while a step was awaited (race() returned already). */
  alive(): void {
    if (this.lostFlag) throw new ConnectionLost('connection lost during bring-up', false);
  }

  /** `p`, or the loss of the connection, whichever comes first. */
  race<T>(p: Promise<T>): Promise<T> {
    p.catch(() => {});
    return Promise.race([p, this.lost]);
  }

  /** The identified modem; throws before the identify step. */
  get identified(): Modem {
    if (!this.modem) throw new Error('the modem is not identified yet');
    return this.modem;
  }

  /** Ends the connection: stops the watchdog and URC events, closes the channel and the port. */
  async close(reason: string): Promise<void> {
    this.watchdog.stop();
    this.modem?.dispose();
    await Promise.all([this.channel.close(reason).catch(() => {}), this.secondary?.close()]);
  }
}
