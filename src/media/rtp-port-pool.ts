/**
 * RTP port pairs for calls: RTP on an even port, RTCP on the next odd one (RFC 3550 §11), from a
 * configured range. A pair is allocated by binding both UDP sockets, so a port another program holds
 * is skipped, and the sockets stay bound (held) for the call's media until the pair is released.
 *
 * Binding is asynchronous while call setup asks for a port synchronously, so the pool keeps a few
 * pairs bound in advance (`spares`) and hands one out at once; the spare is replaced in the background.
 * The range bounds concurrent calls: at most ⌊range / 2⌋ pairs exist, held or spare.
 */
import dgram from 'node:dgram';
import { lookupLiteral } from '../util/literal-lookup.js';

export interface RtpPortPair {
  /** The even RTP port. */
  readonly port: number;
  readonly rtp: dgram.Socket;
  readonly rtcp: dgram.Socket;
}

export interface RtpPortPoolOptions {
  /** First and last port of the range, inclusive (default 10000-19999). */
  min?: number;
  max?: number;
  /** Address the sockets bind to (default all IPv4 interfaces). */
  bindAddress?: string;
  /** Pairs kept bound ahead of demand (default 4). */
  spares?: number;
}

export const DEFAULT_RTP_PORTS = { min: 10000, max: 19999 } as const;

function bindSocket(port: number, address: string): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false, lookup: lookupLiteral });
    const onError = (): void => {
      socket.close(() => resolve(null));
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      // A held socket must never take the process down; the media layer adds its own handlers.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

export class RtpPortPool {
  readonly min: number;
  readonly max: number;
  private readonly bindAddress: string;
  private readonly spareTarget: number;
  private readonly spares: RtpPortPair[] = [];
  private readonly held = new Map<number, RtpPortPair>();
  /** Ports being bound right now (not yet spare). */
  private readonly binding = new Set<number>();
  /** The next even port to try: round robin, so a just-released port is not reused at once. */
  private cursor: number;
  private closed = false;
  private refilling: Promise<void> | null = null;
  private readonly closing = new Set<Promise<void>>();

  constructor(o: RtpPortPoolOptions = {}) {
    const min = o.min ?? DEFAULT_RTP_PORTS.min;
    const max = o.max ?? DEFAULT_RTP_PORTS.max;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || max - min < 1) throw new RangeError(`RTP port range ${min}-${max}: expected 1024 ≤ min < max ≤ 65535`);
    this.min = min % 2 === 0 ? min : min + 1;
    this.max = max;
    this.bindAddress = o.bindAddress ?? '0.0.0.0';
    this.spareTarget = Math.max(1, Math.min(o.spares ?? 4, this.capacity));
    this.cursor = this.min;
  }

  /** How many pairs the range holds: the bound on concurrent calls. */
  get capacity(): number {
    return Math.max(0, Math.floor((this.max - this.min + 1) / 2));
  }

  /** Pairs handed out and not yet released. */
  get inUse(): number {
    return this.held.size;
  }

  /** Binds the first spares; resolves when they are ready (or the range has no free pair left). */
  async start(): Promise<void> {
    await this.refill();
  }

  /** A bound pair, or null when none is ready (the range is used up, or spares are still binding). */
  take(): RtpPortPair | null {
    if (this.closed) return null;
    const pair = this.spares.shift() ?? null;
    if (pair) this.held.set(pair.port, pair);
    void this.refill();
    return pair;
  }

  /** Closes a pair's sockets and returns its ports to the range. Idempotent. */
  release(pair: RtpPortPair): void {
    if (this.held.get(pair.port) !== pair) return;
    this.held.delete(pair.port);
    // The ports are free for a new bind only once both handles are closed.
    const done: Promise<void> = closePair(pair)
      .then(() => this.refill())
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }

  /** Resolves once releases and the background binding in progress (if any) are done. */
  async settled(): Promise<void> {
    while (this.refilling || this.closing.size > 0) {
      await Promise.all([...this.closing]);
      if (this.refilling) await this.refilling;
    }
  }


  /** Closes every socket, held or spare. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    await Promise.all([...this.spares.splice(0), ...this.held.values()].map(closePair));
    this.held.clear();
  }

  private refill(): Promise<void> {
    if (this.refilling) return this.refilling;
    this.refilling = this.fill().finally(() => {
      this.refilling = null;
    });
    return this.refilling;
  }

  private async fill(): Promise<void> {
    // Try each pair of the range at most once per pass: a full range leaves the spares short.
    let tries = this.capacity;
    while (!this.closed && this.spares.length < this.spareTarget && this.held.size + this.spares.length < this.capacity && tries > 0) {
      tries--;
      const port = this.nextCandidate();
      if (port === null) return;
      this.binding.add(port);
      const pair = await this.bindPair(port);
      this.binding.delete(port);
      if (!pair) continue;
      if (this.closed) await closePair(pair);
      else this.spares.push(pair);
    }
  }

  private nextCandidate(): number | null {
    for (let i = 0; i < this.capacity; i++) {
      const port = this.cursor;
      this.cursor = this.cursor + 2 > this.max - 1 ? this.min : this.cursor + 2;
      if (!this.held.has(port) && !this.binding.has(port) && !this.spares.some((s) => s.port === port)) return port;
    }
    return null;
  }

  private async bindPair(port: number): Promise<RtpPortPair | null> {
    const rtp = await bindSocket(port, this.bindAddress);
    if (!rtp) return null;
    const rtcp = await bindSocket(port + 1, this.bindAddress);
    if (!rtcp) {
      await closeSocket(rtp);
      return null;
    }
    return { port, rtp, rtcp };
  }
}

function closeSocket(s: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      // Already closed (e.g. by the media layer): nothing to release.
      resolve();
    }
  });
}

function closePair(p: RtpPortPair): Promise<void> {
  return Promise.all([closeSocket(p.rtp), closeSocket(p.rtcp)]).then(() => undefined);
}
