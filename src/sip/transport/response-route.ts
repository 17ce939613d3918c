/**
 * Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4), decided from the response's top Via (which
 * carries the `received`/`rport` stamped on the request) and the request's packet source. Pure.
 */
import { isIP } from 'node:net';
import type { SipVia } from '../message/index.js';
import { normalizeIp, stripBrackets } from './peer-address.js';
import type { SipPeerAddress, SipTransportKind } from './sip-transport.js';

/**
 * `via`: RFC 3261 §18.2.2 with RFC 3581 — received/rport when present, else the Via's sent-by.
 * `source`: the packet's source address and port, whatever the Via says (the manual's "reply path:
 * back the way it came", for peers whose Via is wrong behind a NAT that does not keep rport).
 */
export type ReplyPath = 'via' | 'source';

/** RFC 3261 §19.1.2: 5060 for UDP and TCP, 5061 for TLS. */
export function defaultSipPort(kind: SipTransportKind): number {
  return kind === 'tls' ? 5061 : 5060;
}

export type ResponseRoute =
  | { readonly ok: true; readonly address: SipPeerAddress }
  /** The Via names a host that is not an IP literal and carries no `received`: it needs DNS (RFC 3263). */
  | { readonly ok: false; readonly reason: 'host-not-an-ip'; readonly host: string };

function asIp(host: string): string | undefined {
  const bare = stripBrackets(host);
  return isIP(bare) === 0 ? undefined : normalizeIp(bare);
}

function portParam(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port > 0 && port < 65536 ? port : undefined;
}

/**
 * The destination for a response when it cannot go back on the request's connection: for streams,
 * that connection closed (§18.2.2: received address, sent-by port); for UDP, always.
 */
export function responseDestination(topVia: SipVia, kind: SipTransportKind, source: SipPeerAddress, replyPath: ReplyPath): ResponseRoute {
  const received = topVia.params['received'];
  const receivedIp = received === null || received === undefined ? undefined : asIp(received);
  const sentByPort = topVia.port ?? defaultSipPort(kind);
  if (kind !== 'udp') {
    // §18.2.2: a new connection to the received address (a peer's source port on a stream is
    // ephemeral and does not listen, so the reply path option does not apply here).
    const ip = receivedIp ?? asIp(topVia.host);
    return ip === undefined ? { ok: false, reason: 'host-not-an-ip', host: topVia.host } : { ok: true, address: { ip, port: sentByPort } };
  }
  if (replyPath === 'source') return { ok: true, address: { ip: normalizeIp(source.ip), port: source.port } };
  const maddr = topVia.params['maddr'];
  if (maddr !== null && maddr !== undefined) {
    const ip = asIp(maddr);
    return ip === undefined ? { ok: false, reason: 'host-not-an-ip', host: maddr } : { ok: true, address: { ip, port: sentByPort } };
  }
  const rport = portParam(topVia.params['rport']);
  // RFC 3581 §4: received and rport together name the NAT binding the request came through.
  if (receivedIp !== undefined && rport !== undefined) return { ok: true, address: { ip: receivedIp, port: rport } };
  if (receivedIp !== undefined) return { ok: true, address: { ip: receivedIp, port: sentByPort } };
  const ip = asIp(topVia.host);
  return ip === undefined ? { ok: false, reason: 'host-not-an-ip', host: topVia.host } : { ok: true, address: { ip, port: sentByPort } };
}
