/**
 * The server side of RFC 3261 §18.2.1 with RFC 3581 §4: a received request's top Via learns where the
 * packet really came from, so responses can follow it back through NATs.
 */
import { splitOutside } from '../message/header-lists.js';
import { parseViaList, rememberVia, type SipRequest } from '../message/index.js';
import { normalizeIp, sameIp } from './peer-address.js';
import type { SipPeerAddress } from './sip-transport.js';

export type ViaStampResult = 'unchanged' | 'stamped' | 'no-via';

/**
 * Adds `received=<source ip>` when the top Via's sent-by host differs from the packet source (a domain
 * name always differs, §18.2.1), and fills an empty `rport` with the source port; RFC 3581 §4 then
 * wants `received` too, even when the address is the same. Only the first entry of the first Via field
 * is rewritten; its other parameters keep their text and order.
 */
export function stampReceived(request: SipRequest, source: SipPeerAddress): ViaStampResult {
  const first = request.headers.get('via');
  if (first === undefined) return 'no-via';
  const entries = splitOutside(first, ',');
  const top = parseViaList(entries[0] ?? '')?.[0];
  if (top === undefined) return 'no-via';
  const sourceIp = normalizeIp(source.ip);
  const emptyRport = 'rport' in top.params && (top.params['rport'] === null || top.params['rport'] === '');
  const needsReceived = emptyRport || !sameIp(top.host, sourceIp);
  if (!needsReceived) return 'unchanged';
  const segments = splitOutside(entries[0]!, ';').filter((segment) => !/^(received|rport)\s*(=|$)/i.test(segment));
  segments.push(`received=${sourceIp}`);
  if ('rport' in top.params) segments.push(emptyRport ? `rport=${source.port}` : `rport=${top.params['rport']}`);
  entries[0] = segments.join(';');
  // The reading of the rewritten entry, as parseVia would give it: the kept parameters in their
  // order, then received and rport.
  const params: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(top.params)) if (name !== 'received' && name !== 'rport') params[name] = value;
  params['received'] = sourceIp;
  if ('rport' in top.params) params['rport'] = emptyRport ? String(source.port) : top.params['rport']!;
  rememberVia(entries[0], { ...top, params, raw: entries[0] });
  request.headers.replaceFirstValue('via', entries.join(', '));
  return 'stamped';
}
