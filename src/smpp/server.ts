/**
 * cellgate's SMSC: an SMPP 3.4 server over TCP (or TLS) that ESMEs bind to. Sessions are in session.ts;
 * this file accepts connections, holds the settings, the per-account rate limits and the set of deliver
 * items in flight, and pulls deliveries for every receiving session when the core calls notify().
 */
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Logger } from '../util/log.js';
import { silentLogger } from '../util/log.js';
import { DEFAULT_MAX_PDU_LENGTH, HEADER_LENGTH } from './framer.js';
import { SmppSession, type SessionContext, type SessionSettings } from './session.js';
import type { ServerStats, SessionInfo, SessionSnapshot, SmscBackend } from './types.js';

export interface SmscServerOptions {
  backend: SmscBackend;
  log?: Logger;
  host?: string;
  /** TCP port (default 2775; 0 = an ephemeral port, see listen()). */
  port?: number;
  /** When given, the server speaks SMPP over TLS (tls.createServer). */
  tls?: { key: string | Buffer; cert: string | Buffer } & Omit<TlsOptions, 'key' | 'cert'>;
  /** system_id the SMSC gives in bind responses (default "cellgate"). */
  systemId?: string;
  /** submit_sm / data_sm in progress (received, not answered) per session; beyond: ESME_RTHROTTLED (default 100). */
  windowSize?: number;
  /** Deliver items sent and not answered per session (default 10). */
  deliverWindowSize?: number;
  /** Largest command_length accepted (default 70000: message_payload up to 64 KiB). */
  maxPduLength?: number;
  /** Time the ESME has to answer deliver_sm / enquire_link / unbind (default 10000 ms). */
  responseTimeoutMs?: number;
  /** Idle time after which the SMSC sends enquire_link (default 30000 ms). */
  enquireLinkIntervalMs?: number;
  /** A connection that has not bound after this long is closed (§2.9 session_init_timer; default 30000 ms). */
  bindTimeoutMs?: number;
  /** deliver_sm not answered in a row before the session is closed (default 3). */
  maxConsecutiveTimeouts?: number;
  /** After a failed delivery, the item is not offered to that session again for this long (default 5000 ms). */
  retryDelayMs?: number;
  /** Failed binds on one connection before it is closed (default 3). */
  maxBindAttempts?: number;
  /** Longest wait for in-progress submits before answering unbind (default 10000 ms). */
  unbindWaitMs?: number;
  /** Submits per second per account (= system_id; token bucket, burst of one second); a number, or per session. */
  maxSubmitsPerSecond?: number | ((session: SessionInfo) => number | undefined);
  /** Open connections (bound or not) beyond which new ones are refused (default 1000). */
  maxConnections?: number;
  /** Octets queued for a peer that does not read, beyond which its session is closed (default 8 MiB). */
  maxWriteBuffer?: number;
  /** Time zone of the dates in delivery receipt texts (default 'utc'). */
  receiptZone?: 'utc' | 'local';
  /** Also pull deliveries every this many ms, besides notify() (default 0 = only on notify()). */
  pollIntervalMs?: number;
  /** Every PDU in and out, for tracing and captures. */
  trace?: (direction: 'in' | 'out', pdu: Buffer, session: { id: string; info: SessionInfo | null; remote: string }) => void;
}

interface Bucket {
  tokens: number;
  at: number;
}

function positiveInt(name: string, v: number | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`SmscServer: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

export class SmscServer {
  private readonly opts: SmscServerOptions;
  private readonly settings: SessionSettings;
  private readonly log: Logger;
  private server: NetServer | null = null;
  private readonly all = new Set<SmppSession>();
  private readonly inFlight = new Set<string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly totals: SessionContext['totals'] = {
    submitted: 0,
    rejected: 0,
    throttled: 0,
    delivered: 0,
    deliverFailed: 0,
    nacked: 0,
    framingErrors: 0,
    deliverTimeouts: 0,
    bindFailures: 0,
    handlerErrors: 0,
  };
  private accepted = 0;
  private nextId = 1;
  private notifyQueued = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly ctx: SessionContext;

  constructor(opts: SmscServerOptions) {
    if (!opts || !opts.backend) throw new TypeError('SmscServer: a backend is required');
    this.opts = opts;
    this.log = (opts.log ?? silentLogger()).child({ component: 'smpp' });
    this.settings = {
      systemId: opts.systemId ?? 'cellgate',
      windowSize: positiveInt('windowSize', opts.windowSize, 100),
      deliverWindowSize: positiveInt('deliverWindowSize', opts.deliverWindowSize, 10),
      maxPduLength: positiveInt('maxPduLength', opts.maxPduLength, DEFAULT_MAX_PDU_LENGTH, HEADER_LENGTH),
      responseTimeoutMs: positiveInt('responseTimeoutMs', opts.responseTimeoutMs, 10_000),
      enquireLinkIntervalMs: positiveInt('enquireLinkIntervalMs', opts.enquireLinkIntervalMs, 30_000),
      bindTimeoutMs: positiveInt('bindTimeoutMs', opts.bindTimeoutMs, 30_000),
      maxConsecutiveTimeouts: positiveInt('maxConsecutiveTimeouts', opts.maxConsecutiveTimeouts, 3),
      retryDelayMs: positiveInt('retryDelayMs', opts.retryDelayMs, 5000, 0),
      maxBindAttempts: positiveInt('maxBindAttempts', opts.maxBindAttempts, 3),
      unbindWaitMs: positiveInt('unbindWaitMs', opts.unbindWaitMs, 10_000, 0),
      maxWriteBuffer: positiveInt('maxWriteBuffer', opts.maxWriteBuffer, 8 * 1024 * 1024),
      receiptZone: opts.receiptZone ?? 'utc',
    };
    if (opts.systemId !== undefined && (opts.systemId.length > 15 || !/^[\x20-\x7e]*$/.test(opts.systemId))) {
      throw new RangeError('SmscServer: systemId must be at most 15 printable ASCII characters (§5.2.1)');
    }
    const trace = opts.trace;
    this.ctx = {
      settings: this.settings,
      backend: opts.backend,
      log: this.log,
      inFlight: this.inFlight,
      totals: this.totals,
      allowSubmit: (info) => this.allowSubmit(info),
      onBound: () => undefined,
      onClosed: (s) => this.all.delete(s),
      notifyAll: () => this.notify(),
      ...(trace ? { trace: (dir: 'in' | 'out', pdu: Buffer, s: SmppSession) => trace(dir, pdu, { id: s.id, info: s.info, remote: s.remote }) } : {}),
    };
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<{ port: number }> {
    if (this.server) return Promise.reject(new Error('SmscServer: already listening'));
    const onSocket = (socket: Socket): void => this.accept(socket);
    const server: NetServer = this.opts.tls ? createTlsServer(this.opts.tls, onSocket) : createNetServer(onSocket);
    if (this.opts.tls) {
      // A failed handshake closes that socket only; Node destroys it after this event.
      server.on('tlsClientError', (e: Error) => this.log.info({ err: e.message }, 'SMPP TLS handshake failed'));
    }
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => {
        this.server = null;
        reject(e);
      };
      server.once('error', onError);
      server.listen(this.opts.port ?? 2775, this.opts.host, () => {
        server.off('error', onError);
        server.on('error', (e) => this.log.error({ err: e.message }, 'SMPP listener error'));
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : (this.opts.port ?? 2775);
        this.log.debug({ port, tls: !!this.opts.tls }, 'SMPP SMSC listening');
        if (this.opts.pollIntervalMs && this.opts.pollIntervalMs > 0) {
          this.pollTimer = setInterval(() => this.notify(), this.opts.pollIntervalMs);
          this.pollTimer.unref();
        }
        resolve({ port });
      });
    });
  }

  private accept(socket: Socket): void {
    // Handled before anything else can emit it.
    socket.on('error', () => undefined);
    const max = this.opts.maxConnections ?? 1000;
    if (this.all.size >= max) {
      this.log.warn({ max }, 'SMPP connection refused: too many connections');
      socket.destroy();
      return;
    }
    this.accepted++;
    try {
      const session = new SmppSession(`smpp-${this.nextId++}`, socket, this.ctx);
      this.all.add(session);
    } catch (e) {
      this.totals.handlerErrors++;
      this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'SMPP session setup failed');
      socket.destroy();
    }
  }

  /**
   * The core has new deliveries: every bound receiver/transceiver session pulls `backend.pending()`
   * up to its deliver window. Calls in the same tick are coalesced.
   */
  notify(): void {
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    setImmediate(() => {
      this.notifyQueued = false;
      for (const s of this.all) if (s.receives) s.fill();
    });
  }

  /** Bound sessions, for the API. */
  sessions(): SessionSnapshot[] {
    const out: SessionSnapshot[] = [];
    for (const s of this.all) {
      const snap = s.snapshot();
      if (snap && (s.state === 'BOUND_TX' || s.state === 'BOUND_RX' || s.state === 'BOUND_TRX')) out.push(snap);
    }
    return out;
  }

  stats(): ServerStats {
    let bound = 0;
    for (const s of this.all) if (s.state === 'BOUND_TX' || s.state === 'BOUND_RX' || s.state === 'BOUND_TRX') bound++;
    return { connections: this.all.size, bound, accepted: this.accepted, totals: { ...this.totals } };
  }

  /** Stops listening, unbinds every session (waiting at most responseTimeoutMs for each) and closes them. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([...this.all].map((s) => s.unbind()));
    for (const s of [...this.all]) s.close('server closed');
    await closed;
  }

  private allowSubmit(info: SessionInfo): boolean {
    const limit = typeof this.opts.maxSubmitsPerSecond === 'function' ? this.opts.maxSubmitsPerSecond(info) : this.opts.maxSubmitsPerSecond;
    if (limit === undefined || !(limit > 0)) return true;
    // One bucket per account, i.e. per system_id (authenticate may return a new account object per bind).
    const key = info.systemId;
    const now = Date.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(limit, b.tokens + ((now - b.at) / 1000) * limit);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
