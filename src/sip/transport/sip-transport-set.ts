/**
 * The transports of one SIP endpoint behind one door: incoming messages from all of them to one
 * receiver, requests sent by transport kind, responses routed back per RFC 3261 §18.2.2 and
 * RFC 3581 §4 (or to the packet source, the reply-path option), and the `TransactionTransport` view
 * the transaction layer takes.
 */
import { formatPeer } from './peer-address.js';
import { responseDestination, type ReplyPath } from './response-route.js';
import type { IncomingSip, SipConnection, SipOutgoing, SipReceiver, SipTarget, SipTransport, SipTransportKind } from './sip-transport.js';
import type { SipResponse } from '../message/index.js';
import { outgoingBytes } from './outgoing-bytes.js';
import { detachedString } from '../../util/detached-string.js';
import type { Resender } from '../transaction/transaction-message.js';

/** What a response needs to know about the request it answers. */
export type RequestOrigin = Pick<IncomingSip, 'source' | 'transport' | 'connection'>;

export interface SipTransportSetOptions {
  /** Default `via`. */
  readonly replyPath?: ReplyPath;
}

/** The send side a transaction takes (src/sip/transaction): same shape, errors reported later. */
export interface BoundTransactionTransport {
  readonly reliable: boolean;
  send(bytes: Uint8Array): void;
  resender(): Resender | undefined;
}

export class SipTransportSet {
  private readonly transports = new Map<SipTransportKind, SipTransport>();
  readonly replyPath: ReplyPath;

  constructor(transports: readonly SipTransport[], options: SipTransportSetOptions = {}) {
    for (const transport of transports) {
      if (this.transports.has(transport.kind)) throw new Error(`sip transport set: two ${transport.kind} transports`);
      this.transports.set(transport.kind, transport);
    }
    this.replyPath = options.replyPath ?? 'via';
  }

  get(kind: SipTransportKind): SipTransport | undefined {
    return this.transports.get(kind);
  }

  /** Every transport delivers to this receiver. */
  setReceiver(receiver: SipReceiver): void {
    for (const transport of this.transports.values()) transport.setReceiver(receiver);
  }

  /** Sends to a peer over the transport its kind names (client side: a request, an ACK, a CANCEL). */
  send(target: SipTarget, data: SipOutgoing): Promise<void> {
    const transport = this.transports.get(target.kind);
    if (transport === undefined) return Promise.reject(new Error(`sip transport set: no ${target.kind} transport`));
    return transport.send(target, data);
  }

  /**
   * Sends a response to a received request. Streams: on the request's connection while it is open,
   * else a new connection to the Via's received address and sent-by port (§18.2.2). UDP: per the reply
   * path — received/rport or sent-by (`via`), or the request's source (`source`).
   */
  sendResponse(response: SipResponse | Uint8Array, origin: RequestOrigin, topVia = response instanceof Uint8Array ? undefined : response.topVia): Promise<void> {
    const bytes = outgoingBytes(response);
    if (origin.connection?.isOpen === true && origin.connection.send(bytes)) return Promise.resolve();
    if (topVia === undefined) return Promise.reject(new Error('sip transport set: a response without a readable top Via'));
    const route = responseDestination(topVia, origin.transport, origin.source, this.replyPath);
    if (!route.ok) return Promise.reject(new Error(`sip transport set: response Via host ${route.host} is not an IP address`));
    return this.send({ ...route.address, kind: origin.transport }, bytes);
  }

  /**
   * The transport a transaction uses (src/sip/transaction): `send` hands the bytes over and returns;
   * a failure later (a refused connection) goes to `onError`, which should call the transaction's
   * `transportError` (RFC 3261 §17.1.4).
   */
  transactionTransport(destination: { readonly target: SipTarget } | { readonly origin: RequestOrigin; readonly topVia: SipResponse['topVia'] }, onError: (error: Error) => void): BoundTransactionTransport {
    const kind = 'target' in destination ? destination.target.kind : destination.origin.transport;
    const transport = this.transports.get(kind);
    if (transport === undefined) throw new Error(`sip transport set: no ${kind} transport`);
    const report = (error: unknown): void => onError(error instanceof Error ? error : new Error(String(error)));
    if ('target' in destination) return boundTo(transport, destination.target, undefined, '', report);
    // A server transaction answers the same request for its whole life (Timer J: 32 s on UDP): where
    // to is worked out once, and kept without the parsed Via (nor, through its strings, the message).
    const route = destination.topVia === undefined ? undefined : responseDestination(destination.topVia, kind, destination.origin.source, this.replyPath);
    const target = route?.ok === true ? replyTargetOf(route.address, kind, transport) : undefined;
    const unroutable = route === undefined ? 'a response without a readable top Via' : route.ok ? '' : `response Via host ${route.host} is not an IP address`;
    return boundTo(transport, target, destination.origin.connection, unroutable, report);
  }

  /**
   * For a response sent without a transaction object on an unreliable transport: where it goes
   * (§18.2.2, as for a server transaction) as the resender a completed-request store keeps for Timer J.
   * Undefined for a reliable transport, or when the Via gives nowhere to send.
   */
  datagramReplyTarget(origin: RequestOrigin, topVia: SipResponse['topVia']): Resender | undefined {
    const transport = this.transports.get(origin.transport);
    if (transport === undefined || transport.reliable || topVia === undefined) return undefined;
    const route = responseDestination(topVia, origin.transport, origin.source, this.replyPath);
    return route.ok ? replyTargetOf(route.address, origin.transport, transport) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close()));
  }

  /** `udp 127.0.0.1:5060, tcp …` for the start-up log. */
  describe(): string {
    return [...this.transports.values()].map((t) => `${t.kind} ${t.localAddress === undefined ? '(not listening)' : formatPeer(t.localAddress)}`).join(', ');
  }
}

const ignore = (): void => undefined;

/**
 * Where a server transaction's answers go (§18.2.2), and the resender a completed one leaves behind for
 * Timer J: one small object, holding the transport it shares with every other.
 */
class ReplyTarget implements SipTarget, Resender {
  constructor(
    readonly ip: string,
    readonly port: number,
    readonly kind: SipTransportKind,
    private readonly transport: SipTransport,
  ) {}

  resend(bytes: Uint8Array): void {
    this.transport.send(this, bytes).catch(ignore);
  }
}

function replyTargetOf(address: { readonly ip: string; readonly port: number }, kind: SipTransportKind, transport: SipTransport): ReplyTarget {
  return new ReplyTarget(internAddress(address.ip), address.port, kind, transport);
}

/**
 * Reply addresses as strings of their own, one per address: kept for Timer J's 32 s, a copy per
 * request from the same peer would be thousands of equal strings. Bounded; forgotten all at once when full.
 */
const addresses = new Map<string, string>();
const MAX_ADDRESSES = 4096;

function internAddress(ip: string): string {
  const known = addresses.get(ip);
  if (known !== undefined) return known;
  if (addresses.size >= MAX_ADDRESSES) addresses.clear();
  const own = detachedString(ip);
  addresses.set(own, own);
  return own;
}

/**
 * The send side of one transaction, made in a scope of its own: a closure keeps every variable of the
 * function it was made in, and the caller's scope holds the parsed Via.
 */
function boundTo(transport: SipTransport, target: SipTarget | undefined, connection: SipConnection | undefined, unroutable: string, report: (error: unknown) => void): BoundTransactionTransport {
  return {
    reliable: transport.reliable,
    resender: () => (transport.reliable || !(target instanceof ReplyTarget) ? undefined : target),
    send: (bytes) => {
      // Streams answer on the request's connection while it is open (§18.2.2).
      if (connection?.isOpen === true && connection.send(bytes)) return;
      if (target === undefined) return report(new Error(`sip transport set: ${unroutable}`));
      transport.send(target, bytes).catch(report);
    },
  };
}
