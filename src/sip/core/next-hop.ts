/**
 * Where a request goes when a URI names the next hop (RFC 3261 §8.1.2, §18.1.1): a SIP or SIPS URI
 * with an IP literal host. Names that need DNS (RFC 3263) are refused with a reason; a later step
 * adds resolution. Pure.
 */
import { isIP } from 'node:net';
import { parseSipUri } from '../message/index.js';
import { stripBrackets } from '../transport/peer-address.js';
import { defaultSipPort } from '../transport/response-route.js';
import type { SipTarget, SipTransportKind } from '../transport/index.js';

export type NextHopVerdict = { readonly ok: true; readonly target: SipTarget } | { readonly ok: false; readonly reason: 'not-a-sip-uri' | 'host-not-an-ip' | 'unsupported-transport' };

/** `uri` → transport, address and port; `fallbackKind` when the URI names no transport. */
export function nextHopTarget(uri: string, fallbackKind: SipTransportKind = 'udp'): NextHopVerdict {
  const parsed = parseSipUri(uri);
  if (parsed === undefined) return { ok: false, reason: 'not-a-sip-uri' };
  const param = parsed.params['transport']?.toLowerCase();
  let kind: SipTransportKind;
  if (parsed.scheme === 'sips') kind = 'tls';
  else if (param === undefined || param === null) kind = fallbackKind;
  else if (param === 'udp' || param === 'tcp' || param === 'tls') kind = param;
  else return { ok: false, reason: 'unsupported-transport' };
  const maddr = parsed.params['maddr'];
  const host = stripBrackets(maddr ?? parsed.host);
  if (isIP(host) === 0) return { ok: false, reason: 'host-not-an-ip' };
  return { ok: true, target: { ip: host, port: parsed.port ?? defaultSipPort(kind), kind } };
}
