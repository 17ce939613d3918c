/**
 * SIP over UDP (RFC 3261 §18): one socket serves every peer. Each datagram is one message; its size is
 * capped before parsing, a bad request is answered at the datagram's source, and what cannot be
 * answered is dropped with a rate-limited debug line.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { SipParseOptions } from '../message/index.js';
import { lookupLiteral } from '../../util/literal-lookup.js';
import { outgoingBytes } from './outgoing-bytes.js';
import { normalizeIp } from './peer-address.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { receiveBytes } from './receive-bytes.js';
import type { SipOutgoing, SipPeerAddress, SipReceiver, SipTransport } from './sip-transport.js';
import { UDP_DEFAULTS, type UdpTransportOptions } from './transport-options.js';

export class UdpTransport implements SipTransport {
  readonly kind = 'udp' as const;
  readonly reliable = false;
  private socket: Socket | undefined;
  private receiver: SipReceiver | undefined;
  private bound: SipPeerAddress | undefined;
  private readonly parse: Partial<SipParseOptions>;
  private readonly quietLog: RateLimitedLog;

  constructor(private readonly options: UdpTransportOptions) {
    const maxDatagramBytes = options.maxDatagramBytes ?? UDP_DEFAULTS.maxDatagramBytes;
    if (!Number.isInteger(maxDatagramBytes) || maxDatagramBytes <= 0) throw new RangeError(`sip transport option maxDatagramBytes must be a positive integer`);
    this.parse = { ...options.parse, transport: 'datagram', maxMessageBytes: maxDatagramBytes };
    this.quietLog = new RateLimitedLog(options.log);
  }

  get localAddress(): SipPeerAddress | undefined {
    return this.bound;
  }

  setReceiver(receiver: SipReceiver): void {
    this.receiver = receiver;
  }

  listen(host: string, port: number): Promise<SipPeerAddress> {
    if (this.socket !== undefined) return Promise.reject(new Error('sip udp transport: already listening'));
    const socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', lookup: lookupLiteral });
    this.socket = socket;
    socket.on('message', (bytes, info) => this.onDatagram(bytes, { ip: normalizeIp(info.address), port: info.port }));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        // An ICMP error or a send failure after binding must not crash the process; transactions time out.
        socket.on('error', (error) => this.quietLog.debug({ error: error.message }, 'sip udp transport: socket error'));
        const address = socket.address();
        this.bound = { ip: normalizeIp(address.address), port: address.port };
        resolve(this.bound);
      });
    });
  }

  private onDatagram(bytes: Buffer, source: SipPeerAddress): void {
    receiveBytes(bytes, {
      source,
      transport: 'udp',
      connection: undefined,
      parse: this.parse,
      version: this.options.version,
      reply: (answer) => void this.send(source, answer).catch(() => undefined),
      receiver: this.receiver,
      quietLog: this.quietLog,
    });
  }

  send(target: SipPeerAddress, data: SipOutgoing): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.reject(new Error('sip udp transport: not listening'));
    const bytes = outgoingBytes(data);
    return new Promise((resolve, reject) => socket.send(bytes, target.port, target.ip, (error) => (error ? reject(error) : resolve())));
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.bound = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
