import { splitOutside } from '../message/header-lists.js';
import { parseNameAddr, parseSipUri, type SipMessage } from '../message/index.js';

/** Which end of the dialog we are: the side that sent the INVITE or the side that answered it. */
export type DialogRole = 'uac' | 'uas';

export type RouteSetVerdict = { readonly ok: true; readonly routes: readonly string[] } | { readonly ok: false; readonly reason: 'bad-record-route' };

/**
 * The route set from a message's Record-Route fields (comma lists and repeated fields alike, §7.3.1).
 * §12.1.1: the UAS keeps them in order; §12.1.2: the UAC reverses them, so both list the proxy next to
 * themselves first. Each entry is kept as written (its `lr` and other parameters matter downstream).
 */
export function routeSetFrom(message: SipMessage, role: DialogRole): RouteSetVerdict {
  const routes: string[] = [];
  for (const value of message.headers.getAll('record-route')) {
    for (const entry of splitOutside(value, ',')) {
      if (parseNameAddr(entry, 'Record_Route') === undefined) return { ok: false, reason: 'bad-record-route' };
      routes.push(entry);
    }
  }
  return { ok: true, routes: role === 'uac' ? routes.reverse() : routes };
}

/** Where an in-dialog request goes and what it carries (RFC 3261 §12.2.1.1). */
export interface InDialogRouting {
  readonly requestUri: string;
  /** Route field values in order. */
  readonly routes: readonly string[];
  /** The URI to resolve for the next hop (§8.1.2: the first Route, else the Request-URI). */
  readonly nextHop: string;
  /** Whether the first route was a strict router (RFC 2543, no `lr`). */
  readonly strict: boolean;
}

/** URI parameters §19.1.1 Table 1 does not allow in a Request-URI, and URI headers. */
function asRequestUri(uri: string): string {
  const noHeaders = uri.split('?')[0]!;
  return noHeaders.replace(/;method=[^;]*/gi, '');
}

/**
 * §12.2.1.1. Empty route set: Request-URI = remote target, no Route. First route a loose router
 * (`lr`): Request-URI = remote target, Route = the route set. First route a strict router: the
 * Request-URI is that route's URI (parameters a Request-URI may not carry stripped), Route = the rest
 * with the remote target appended — RFC 2543 proxies still exist, so this is handled, not refused.
 * The route set was checked when the dialog was made, so entries parse here.
 */
export function routeInDialogRequest(remoteTarget: string, routeSet: readonly string[]): InDialogRouting {
  const first = routeSet[0];
  if (first === undefined) return { requestUri: remoteTarget, routes: [], nextHop: remoteTarget, strict: false };
  const firstUri = parseNameAddr(first, 'Record_Route')?.uri ?? first;
  const params = parseSipUri(firstUri)?.params ?? {};
  if ('lr' in params) return { requestUri: remoteTarget, routes: [...routeSet], nextHop: firstUri, strict: false };
  const requestUri = asRequestUri(firstUri);
  return { requestUri, routes: [...routeSet.slice(1), `<${remoteTarget}>`], nextHop: requestUri, strict: true };
}
