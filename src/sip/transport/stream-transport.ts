/**
 * What TCP and TLS share (RFC 3261 §18): a listening server, a table of connections in both
 * directions, and reuse — a message to a peer goes over an open connection to its address, one the
 * peer opened included (§18.2.2), and a new connection is opened only when there is none. Caps on
 * connections in total and per source IP keep one peer from exhausting the process.
 */
import type { Server, Socket } from 'node:net';
import type { SipParseOptions } from '../message/index.js';
import { outgoingBytes } from './outgoing-bytes.js';
import { formatPeer, normalizeIp } from './peer-address.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { receiveBytes } from './receive-bytes.js';
import { StreamConnection, type StreamConnectionEvents } from './stream-connection.js';
import { DEFAULT_STREAM_FRAMER_OPTIONS } from './stream-framer.js';
import type { SipConnection, SipOutgoing, SipPeerAddress, SipReceiver, SipTransport } from './sip-transport.js';
import { resolveStreamOptions, type ResolvedStreamOptions, type StreamTransportOptions } from './transport-options.js';

let nextConnectionNumber = 1;

export abstract class StreamTransport implements SipTransport {
  abstract readonly kind: 'tcp' | 'tls';
  readonly reliable = true;
  protected readonly settings: ResolvedStreamOptions;
  protected readonly quietLog: RateLimitedLog;
  private server: Server | undefined;
  private bound: SipPeerAddress | undefined;
  private receiver: SipReceiver | undefined;
  private readonly connections = new Set<StreamConnection>();
  private readonly pendingConnects = new Map<string, Promise<StreamConnection>>();
  private readonly parse: Partial<SipParseOptions>;
  private readonly connectionEvents: StreamConnectionEvents;
  private closed = false;

  constructor(options: StreamTransportOptions) {
    this.settings = resolveStreamOptions(options);
    this.quietLog = new RateLimitedLog(options.log);
    const framer = { ...DEFAULT_STREAM_FRAMER_OPTIONS, ...options.framer };
    this.parse = { ...options.parse, transport: 'stream', maxMessageBytes: framer.maxHeaderBytes + framer.maxBodyBytes };
    this.connectionEvents = {
      message: (connection, bytes) => this.onMessageBytes(connection, bytes),
      framingError: (connection, error) => this.quietLog.debug({ connection: connection.id, error: error.kind, detail: error.detail }, 'sip stream transport: framing error, closing'),
      closed: (connection) => this.connections.delete(connection),
    };
  }

  /** Creates the listening server; it calls `accept` with each connected (and, for TLS, handshaken) socket. */
  protected abstract createServer(accept: (socket: Socket) => void): Server;
  /** Starts an outbound connection; `readyEvent` is emitted when bytes may be written. */
  protected abstract openSocket(target: SipPeerAddress): { socket: Socket; readyEvent: 'connect' | 'secureConnect' };

  get localAddress(): SipPeerAddress | undefined {
    return this.bound;
  }

  /** Open connections, for inspection and tests. */
  get openConnections(): readonly SipConnection[] {
    return [...this.connections].filter((c) => c.isOpen);
  }

  setReceiver(receiver: SipReceiver): void {
    this.receiver = receiver;
  }

  listen(host: string, port: number): Promise<SipPeerAddress> {
    if (this.server !== undefined) return Promise.reject(new Error(`sip ${this.kind} transport: already listening`));
    const server = this.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (error) => this.quietLog.debug({ error: error.message }, `sip ${this.kind} transport: server error`));
        const address = server.address();
        if (address === null || typeof address === 'string') return reject(new Error(`sip ${this.kind} transport: no address after listen`));
        this.bound = { ip: normalizeIp(address.address), port: address.port };
        resolve(this.bound);
      });
    });
  }

  /** Whether one more inbound connection from this IP fits under the caps. */
  protected admits(remoteIp: string): boolean {
    if (this.connections.size >= this.settings.maxConnections) return false;
    let fromIp = 0;
    for (const c of this.connections) if (c.direction === 'inbound' && c.remote.ip === remoteIp) fromIp++;
    return fromIp < this.settings.maxConnectionsPerIp;
  }

  private accept(socket: Socket): void {
    const remote = { ip: normalizeIp(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    if (!this.admits(remote.ip)) {
      this.quietLog.debug({ remote }, `sip ${this.kind} transport: connection cap reached, refusing`);
      socket.destroy();
      return;
    }
    this.track(socket, 'inbound', remote);
  }

  private track(socket: Socket, direction: 'inbound' | 'outbound', remote: SipPeerAddress): StreamConnection {
    const local = { ip: normalizeIp(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    const id = `${this.kind}#${nextConnectionNumber++} ${formatPeer(remote)}`;
    const connection = new StreamConnection(id, this.kind, direction, remote, local, socket, this.settings, this.connectionEvents);
    this.connections.add(connection);
    return connection;
  }

  private onMessageBytes(connection: StreamConnection, bytes: Buffer): void {
    receiveBytes(bytes, {
      source: connection.remote,
      transport: this.kind,
      connection,
      parse: this.parse,
      version: this.settings.version,
      reply: (answer) => connection.send(answer),
      receiver: this.receiver,
      quietLog: this.quietLog,
    });
  }

  /** An open connection to this address, most recent first. */
  findConnection(target: SipPeerAddress): SipConnection | undefined {
    const ip = normalizeIp(target.ip);
    return [...this.connections].reverse().find((c) => c.isOpen && c.remote.ip === ip && c.remote.port === target.port);
  }

  async send(target: SipPeerAddress, data: SipOutgoing): Promise<void> {
    const bytes = outgoingBytes(data);
    const connection = this.findConnection(target) ?? (await this.connect(target));
    if (!connection.send(bytes)) throw new Error(`sip ${this.kind} transport: connection to ${formatPeer(target)} closed`);
  }

  /** Opens a connection (one at a time per address: concurrent sends share it). */
  connect(target: SipPeerAddress): Promise<StreamConnection> {
    const key = formatPeer(target);
    const pending = this.pendingConnects.get(key);
    if (pending !== undefined) return pending;
    const attempt = this.openConnection(target).finally(() => this.pendingConnects.delete(key));
    this.pendingConnects.set(key, attempt);
    return attempt;
  }

  private openConnection(target: SipPeerAddress): Promise<StreamConnection> {
    if (this.closed) return Promise.reject(new Error(`sip ${this.kind} transport: closed`));
    if (this.connections.size >= this.settings.maxConnections) return Promise.reject(new Error(`sip ${this.kind} transport: connection cap reached`));
    const { socket, readyEvent } = this.openSocket({ ip: normalizeIp(target.ip), port: target.port });
    const connection = this.track(socket, 'outbound', { ip: normalizeIp(target.ip), port: target.port });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`sip ${this.kind} transport: connecting to ${formatPeer(target)} timed out`)), this.settings.connectTimeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        connection.close('connect-failed');
        reject(error);
      };
      const onClose = (): void => fail(new Error(`sip ${this.kind} transport: connection to ${formatPeer(target)} closed while opening`));
      socket.once('error', fail);
      socket.once('close', onClose);
      socket.once(readyEvent, () => {
        clearTimeout(timer);
        socket.off('error', fail);
        socket.off('close', onClose);
        connection.markOpen();
        resolve(connection);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of [...this.connections]) connection.close('transport-closed');
    const server = this.server;
    this.server = undefined;
    this.bound = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
