/**
 * What the SIP core sees of a transport (RFC 3261 §18): messages in, each with the packet's source and
 * the connection it came on, and bytes or messages out to a peer. UDP, TCP and TLS implement it; the
 * transport set (sip-transport-set.ts) picks one by kind and routes responses.
 */
import type { SipMessage, SipParseVerdict } from '../message/index.js';

export type SipTransportKind = 'udp' | 'tcp' | 'tls';

/** An IP address (v4 dotted or v6 without brackets) and a port. */
export interface SipPeerAddress {
  readonly ip: string;
  readonly port: number;
}

/** Where to send: a peer and the transport to reach it over. */
export interface SipTarget extends SipPeerAddress {
  readonly kind: SipTransportKind;
}

/** One TCP or TLS connection, inbound or outbound. */
export interface SipConnection {
  /** Unique for the process lifetime, for logs and maps. */
  readonly id: string;
  readonly kind: 'tcp' | 'tls';
  readonly remote: SipPeerAddress;
  readonly local: SipPeerAddress;
  /** `inbound`: a peer connected to us; `outbound`: we opened it. */
  readonly direction: 'inbound' | 'outbound';
  readonly isOpen: boolean;
  /** Writes bytes; false when the connection is already closed. */
  send(bytes: Uint8Array): boolean;
  close(): void;
}

interface IncomingBase {
  /** The packet's source (RFC 3261 §18.2.1 "source address"). */
  readonly source: SipPeerAddress;
  readonly transport: SipTransportKind;
  /** The connection the bytes came on (TCP/TLS), undefined for UDP. */
  readonly connection: SipConnection | undefined;
}

/** A message that parsed. Requests already carry `received`/`rport` on their top Via (§18.2.1, RFC 3581 §4). */
export interface IncomingSipMessage extends IncomingBase {
  readonly kind: 'message';
  readonly message: SipMessage;
}

/**
 * Bytes that did not parse. A `respond` verdict has already been answered by the transport (to the
 * packet's source, or on the connection); this report is for logs and counters.
 */
export interface IncomingSipRejection extends IncomingBase {
  readonly kind: 'rejected';
  readonly verdict: SipParseVerdict;
}

export type IncomingSip = IncomingSipMessage | IncomingSipRejection;

export type SipReceiver = (incoming: IncomingSip) => void;

/** Bytes, or a message the transport serializes. */
export type SipOutgoing = Uint8Array | SipMessage;

export interface SipTransport {
  readonly kind: SipTransportKind;
  /** TCP and TLS: no retransmissions (RFC 3261 §17.1.1.2). */
  readonly reliable: boolean;
  /** The bound address, once listening. */
  readonly localAddress: SipPeerAddress | undefined;
  /** Binds the socket or server; port 0 picks a free one. Resolves with the bound address. */
  listen(host: string, port: number): Promise<SipPeerAddress>;
  /**
   * Sends to a peer. UDP: one datagram. TCP/TLS: over an open connection to that address (one the
   * peer opened counts too, RFC 3261 §18.2.2), else a new one (client side). Rejects when the bytes
   * cannot be handed over (no route, a refused connection, a cap reached).
   */
  send(target: SipPeerAddress, data: SipOutgoing): Promise<void>;
  /** Sets who gets incoming messages (one receiver). */
  setReceiver(receiver: SipReceiver): void;
  /** Closes the socket or server and every connection. */
  close(): Promise<void>;
}
