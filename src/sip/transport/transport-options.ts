/**
 * Options of the SIP transports, with defaults. Sizes are checked before parsing; the timers protect
 * the listener from peers that connect and say nothing, or drip a message byte by byte.
 */
import type { Logger } from '../../util/log.js';
import type { SipParseOptions } from '../message/index.js';
import type { StreamFramerOptions } from './stream-framer.js';

interface CommonOptions {
  /** cellgate's version for the `Server` header of the 400/416/505/513 answers to bad requests. */
  readonly version: string;
  readonly log: Logger;
  /** Parser choices other than sizes and transport, which the transport sets. */
  readonly parse?: Partial<Omit<SipParseOptions, 'transport' | 'maxMessageBytes'>>;
}

export interface UdpTransportOptions extends CommonOptions {
  /** Largest datagram parsed in full; a larger request gets 513 from its head alone. Default 65535. */
  readonly maxDatagramBytes?: number;
}

export interface StreamTransportOptions extends CommonOptions {
  /** Connections open at once, both directions. Default 1024. */
  readonly maxConnections?: number;
  /** Inbound connections from one IP address. Default 32. */
  readonly maxConnectionsPerIp?: number;
  /** A connection with no traffic either way for this long is closed. Default 300000 ms. */
  readonly idleTimeoutMs?: number;
  /** A message begun but not complete (head and body) within this long closes the connection. Default 10000 ms. */
  readonly incompleteMessageTimeoutMs?: number;
  /** Opening an outbound connection (and the TLS handshake) gives up after this long. Default 10000 ms. */
  readonly connectTimeoutMs?: number;
  readonly framer?: Partial<StreamFramerOptions>;
}

/** PEM as a file path (string) or as the bytes themselves (Buffer). */
export type PemSource = string | Buffer;

export interface TlsTransportOptions extends StreamTransportOptions {
  readonly key: PemSource;
  readonly cert: PemSource;
  /** Certificates trusted for outbound connections; the system's when absent. */
  readonly ca?: PemSource;
  /** Verify the server certificate on outbound connections. Default true. */
  readonly rejectUnauthorized?: boolean;
}

export const UDP_DEFAULTS = Object.freeze({ maxDatagramBytes: 65535 });

export const STREAM_DEFAULTS: Readonly<Record<'maxConnections' | 'maxConnectionsPerIp' | 'idleTimeoutMs' | 'incompleteMessageTimeoutMs' | 'connectTimeoutMs', number>> = Object.freeze({
  maxConnections: 1024,
  maxConnectionsPerIp: 32,
  idleTimeoutMs: 300_000,
  incompleteMessageTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
});

export type ResolvedStreamOptions = StreamTransportOptions & { -readonly [K in keyof typeof STREAM_DEFAULTS]: number };

export function resolveStreamOptions(options: StreamTransportOptions): ResolvedStreamOptions {
  const resolved = { ...STREAM_DEFAULTS, ...options };
  for (const name of Object.keys(STREAM_DEFAULTS) as (keyof typeof STREAM_DEFAULTS)[]) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`sip transport option ${name} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}
