/**
 * Building a REGISTER (RFC 3261 §10.2) and reading what a registrar answered (§10.2.4, §10.2.8).
 * Pure: no I/O, no clock.
 */
import { createRequest, parseContactList, parseSipUri, type SipRequest, type SipResponse } from '../message/index.js';
import type { LocalContact, RegistrationAccount, SipServerAddress } from './registration-options.js';

/** `host` or `[v6]`, with `:port` unless it is the transport's default. */
export function formatHostPort(server: { host: string; port: number; transport?: string }): string {
  const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
  const defaultPort = server.transport === 'tls' ? 5061 : 5060;
  return server.port === defaultPort ? host : `${host}:${server.port}`;
}

const transportParam = (transport: string): string => (transport === 'udp' ? '' : `;transport=${transport}`);

/** The address-of-record: `sip:<phone number or auth id>@<home domain or registrar host>` (§10.2, To). */
export function addressOfRecord(account: RegistrationAccount, registrar: SipServerAddress): string {
  const user = account.phoneNumber || account.authId;
  const domain = account.homeDomain || formatHostPort({ host: registrar.host, port: registrar.port, transport: registrar.transport });
  return `sip:${escapeUser(user)}@${domain}`;
}

/** RFC 3261 §25.1 user: unreserved and a few marks stay, everything else is %-escaped. */
function escapeUser(user: string): string {
  return [...Buffer.from(user, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Our Contact URI: where the registrar sends requests for the AOR. */
export function contactUri(account: RegistrationAccount, local: LocalContact, transport: string): string {
  return `sip:${escapeUser(account.authId)}@${formatHostPort({ host: local.host, port: local.port, transport })}${transportParam(transport)}`;
}

/** The Request-URI of a REGISTER: the registrar's domain, no user part (§10.2). */
export function registrarUri(registrar: SipServerAddress): string {
  return `sip:${formatHostPort(registrar)}${transportParam(registrar.transport)}`;
}

/** One REGISTER of a binding: the fields that change between requests. */
export interface RegisterSpec {
  readonly account: RegistrationAccount;
  readonly registrar: SipServerAddress;
  readonly local: LocalContact;
  readonly callId: string;
  readonly fromTag: string;
  readonly cseq: number;
  /** 0 removes the binding (§10.2.2). */
  readonly expiresSeconds: number;
  readonly version: string;
  /** Authorization / Proxy-Authorization to add. */
  readonly credentials?: readonly (readonly [string, string])[];
}

/**
 * §10.2: Request-URI is the registrar's domain without user part; To and From are the AOR; the same
 * Call-ID for every request of a binding with CSeq going up (§10.2 "Call-ID", "CSeq"); Contact with
 * an `expires` parameter (§10.2.1.1). The outbound proxy, if any, goes in a Route with `lr` (§8.1.2)
 * so the request is sent there while the Request-URI stays the registrar's.
 */
export function buildRegister(spec: RegisterSpec): SipRequest {
  const { account, registrar, local } = spec;
  const transport = account.outboundProxy?.transport ?? registrar.transport;
  const aor = addressOfRecord(account, registrar);
  const proxy = account.outboundProxy;
  const routes = proxy ? [`<sip:${formatHostPort(proxy)}${transportParam(proxy.transport)};lr>`] : [];
  const headers: (readonly [string, string])[] = [['Expires', String(spec.expiresSeconds)], ...(spec.credentials ?? [])];
  return createRequest({
    method: 'REGISTER',
    uri: registrarUri(registrar),
    via: { transport, host: local.host.includes(':') && !local.host.startsWith('[') ? `[${local.host}]` : local.host, port: local.port },
    from: { uri: aor, displayName: account.displayName || undefined, tag: spec.fromTag },
    to: { uri: aor, displayName: account.displayName || undefined },
    callId: spec.callId,
    cseq: spec.cseq,
    contact: `<${contactUri(account, local, transport)}>;expires=${spec.expiresSeconds}`,
    routes,
    version: spec.version,
    headers,
  });
}

const DELTA_SECONDS = /^\d{1,10}$/;
const toSeconds = (value: string | null | undefined): number | undefined => (value != null && DELTA_SECONDS.test(value.trim()) ? Number(value.trim()) : undefined);

/** Same SIP URI: scheme, user, host (case-insensitive) and port (§19.1.4, enough to find our own Contact). */
function sameContact(a: string, b: string): boolean {
  const x = parseSipUri(a);
  const y = parseSipUri(b);
  if (!x || !y) return a === b;
  return x.scheme === y.scheme && x.user === y.user && x.host.toLowerCase() === y.host.toLowerCase() && (x.port ?? 5060) === (y.port ?? 5060);
}

/**
 * The expiry the registrar granted (§10.2.4): the `expires` of the Contact matching ours, else the
 * Expires header, else what we asked for. A registrar may shorten it and never lengthens it by rule,
 * but we take what it says.
 */
export function grantedExpiry(response: SipResponse, ourContact: string, asked: number): number {
  for (const value of response.headers.getAll('contact')) {
    const contacts = parseContactList(value);
    if (contacts === undefined || contacts === '*') continue;
    for (const contact of contacts) {
      if (!sameContact(contact.uri, ourContact)) continue;
      const seconds = toSeconds(contact.params['expires']);
      if (seconds !== undefined) return seconds;
    }
  }
  return toSeconds(response.headers.get('expires')) ?? asked;
}

/** Min-Expires of a 423 (§10.2.8, §20.23), or undefined when missing or malformed. */
export function minExpires(response: SipResponse): number | undefined {
  return toSeconds(response.headers.get('min-expires'));
}
