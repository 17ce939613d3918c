/**
 * Who submitted an outbound message (`OutboundSms.client`, docs/api.md): `<kind>:<name>`.
 *
 *   api:<user>          a user of the JSON API (the authenticated user name)
 *   smpp:<system_id>    an SMPP account, by its configured system_id (a per-line bind "101" submits as
 *                       its account "1"; the line it chose is in the message's `lines`)
 *   sip:<who>           a SIP MESSAGE, `who` as the SIP access check names the caller (sip:trunk:1,
 *                       sip:user:<name>, sip:ext:<user>, sip:demo; src/sip/sms-bridge)
 *   internal:forward    cellgate itself, forwarding a received SMS to a phone (docs/forwarding.md)
 *   internal:command    cellgate itself, answering an SMS command (###INFO###)
 *   internal:discovery  cellgate itself, own-number discovery (manual §5.11)
 *
 * The same ids name who decided about a message left `unknown` (resend / fail).
 */
import type { Origin } from '../store/message-store.js';

export type InternalOrigin = Extract<Origin, 'forward' | 'command' | 'discovery'>;
const INTERNAL: ReadonlySet<Origin> = new Set<Origin>(['forward', 'command', 'discovery']);

export function apiClient(user: string): string {
  return `api:${user}`;
}

export function smppClient(systemId: string): string {
  return `smpp:${systemId}`;
}

export function internalClient(origin: InternalOrigin): string {
  return `internal:${origin}`;
}

export function isInternalOrigin(origin: Origin): origin is InternalOrigin {
  return INTERNAL.has(origin);
}

/** The SMPP account's system_id of a client id `smpp:<system_id>`, else null. */
export function smppSystemIdOf(client: string | null): string | null {
  return client !== null && client.startsWith('smpp:') && client.length > 5 ? client.slice(5) : null;
}
