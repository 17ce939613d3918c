import { grammarParse } from './grammar-cache.js';
import { isToken } from './header-names.js';
import { parseParameters, splitOutside } from './header-lists.js';
import { RecentReadings } from './recent-readings.js';

/**
 * Typed readings of the header values the SIP layers decide on. sip.js's grammar validates each value
 * (its ABNF is RFC 3261 §25.1); the parts are taken from the text itself so parameters sip.js drops
 * (a bare `rport`, unknown Via parameters) survive. Every function returns undefined for a bad value.
 */

/** One Via entry (RFC 3261 §20.42, rport from RFC 3581). */
export interface SipVia {
  /** `UDP`, `TCP`, `TLS`, `SCTP`, `WS`… in upper case. */
  readonly transport: string;
  /** Host as written (IPv6 references keep their brackets). */
  readonly host: string;
  readonly port: number | undefined;
  /** Parameters, names in lower case; a flag such as a bare `rport` maps to null. */
  readonly params: Readonly<Record<string, string | null>>;
  readonly branch: string | undefined;
  /** The value as written. */
  readonly raw: string;
}

/** A name-addr or addr-spec with parameters: From, To, Contact, Route… (RFC 3261 §20.10, §20.20, §20.39). */
export interface SipNameAddr {
  /** Display name without quotes, or undefined when none was given. */
  readonly displayName: string | undefined;
  /** The URI text as written, without angle brackets. */
  readonly uri: string;
  /** URI scheme in lower case: `sip`, `sips`, `tel`, `http`… */
  readonly scheme: string;
  /** Header parameters (outside the brackets), names in lower case. */
  readonly params: Readonly<Record<string, string | null>>;
  readonly tag: string | undefined;
  readonly raw: string;
}

/** CSeq (RFC 3261 §20.16). */
export interface SipCSeq {
  readonly seq: number;
  readonly method: string;
}

/** A SIP or SIPS URI split into parts (RFC 3261 §19.1.1). */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Readonly<Record<string, string | null>>;
  /** URI headers (`?name=value&…`), names as written. */
  readonly headers: Readonly<Record<string, string[]>>;
}

/** Parses every entry of a Via field value (one field may carry a comma list, RFC 3261 §7.3.1). */
export function parseViaList(value: string): SipVia[] | undefined {
  const out: SipVia[] = [];
  for (const entry of splitOutside(value, ',')) {
    const via = parseVia(entry);
    if (via === undefined) return undefined;
    out.push(via);
  }
  return out;
}

const recentVias = new RecentReadings<SipVia | undefined>();
const recentNameAddrs = new RecentReadings<SipNameAddr | undefined>();
const recentCSeqs = new RecentReadings<SipCSeq | undefined>();

export function parseVia(entry: string): SipVia | undefined {
  return recentVias.read('Via', entry, readVia);
}

/**
 * Tells the Via reader what `entry` reads as, when the caller has just written it from a reading
 * (the transport adding `received`/`rport` to a request's top Via): the next read of that text is
 * then not parsed again.
 */
export function rememberVia(entry: string, via: SipVia): void {
  recentVias.read('Via', entry, () => via);
}

function readVia(entry: string): SipVia | undefined {
  if (entry === '' || entry.includes(',')) return undefined;
  const parsed = grammarParse(entry, 'Via') as -1 | { transport: string; host: string; port?: number };
  if (parsed === -1) return undefined;
  const semi = entry.indexOf(';');
  const params = semi < 0 ? {} : parseParameters(entry.slice(semi + 1));
  if (Object.keys(params).some((name) => !isToken(name))) return undefined;
  return { transport: parsed.transport.toUpperCase(), host: parsed.host, port: parsed.port, params, branch: params['branch'] ?? undefined, raw: entry };
}

/** Parses `314159 INVITE`. The number must be below 2**31 (RFC 3261 §8.1.1.5). */
export function parseCSeq(value: string): SipCSeq | undefined {
  return recentCSeqs.read('CSeq', value, readCSeq);
}

function readCSeq(value: string): SipCSeq | undefined {
  const parsed = grammarParse(value, 'CSeq') as -1 | { value: number; method: string };
  if (parsed === -1) return undefined;
  const digits = value.trim().split(/\s+/)[0]!;
  if (!/^\d{1,10}$/.test(digits) || Number(digits) >= 2 ** 31) return undefined;
  return { seq: Number(digits), method: parsed.method };
}

/** Splits a name-addr / addr-spec into display name, URI text and parameter text; undefined if malformed. */
function splitNameAddr(value: string): { display: string | undefined; uri: string; paramText: string; bracketed: boolean } | undefined {
  const text = value.trim();
  const lt = findOutsideQuotes(text, '<');
  if (lt >= 0) {
    const gt = text.indexOf('>', lt);
    if (gt < 0) return undefined;
    const display = text.slice(0, lt).trim();
    const rest = text.slice(gt + 1).trim();
    if (rest !== '' && !rest.startsWith(';')) return undefined;
    return { display: display === '' ? undefined : display, uri: text.slice(lt + 1, gt), paramText: rest, bracketed: true };
  }
  // A bare addr-spec: parameters after it belong to the header, so the URI ends at the first ';'.
  const semi = text.indexOf(';');
  const uri = (semi < 0 ? text : text.slice(0, semi)).trim();
  return { display: undefined, uri, paramText: semi < 0 ? '' : text.slice(semi), bracketed: false };
}

function findOutsideQuotes(text: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (quoted) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') quoted = false;
    } else if (text[i] === '"') quoted = true;
    else if (text[i] === ch) return i;
  }
  return -1;
}

/** A display name is a quoted string or a run of tokens (RFC 3261 §25.1 `display-name`). */
function readDisplayName(display: string | undefined): { ok: boolean; name: string | undefined } {
  if (display === undefined) return { ok: true, name: undefined };
  if (display.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\[\s\S])*)"$/.exec(display);
    return m ? { ok: true, name: m[1]!.replace(/\\([\s\S])/g, '$1') } : { ok: false, name: undefined };
  }
  return { ok: display.split(/\s+/).every(isToken), name: display };
}

/**
 * Parses a From/To/Contact/Route entry. `rule` picks sip.js's grammar rule for SIP and SIPS URIs;
 * other schemes (RFC 4475 §3.3.4 has `isbn:`, `http:`, `name:`) are valid SIP but sip.js only knows
 * SIP URIs in these headers, so they are checked against the generic `absoluteURI` rule instead.
 */
export function parseNameAddr(value: string, rule: 'From' | 'To' | 'Contact' | 'Record_Route' = 'Contact'): SipNameAddr | undefined {
  return recentNameAddrs.read(rule, value, (text) => readNameAddr(text, rule));
}

function readNameAddr(value: string, rule: 'From' | 'To' | 'Contact' | 'Record_Route'): SipNameAddr | undefined {
  const split = splitNameAddr(value);
  if (split === undefined) return undefined;
  const colon = split.uri.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = split.uri.slice(0, colon).toLowerCase();
  // RFC 3261 §20.10: a URI with a comma, question mark or semicolon must be in angle brackets.
  if (!split.bracketed && /[?,]/.test(split.uri)) return undefined;
  const display = readDisplayName(split.display);
  if (!display.ok) return undefined;
  if (/\s/.test(split.uri)) return undefined;
  if (scheme === 'sip' || scheme === 'sips') {
    if (grammarParse(value.trim(), rule) === -1) return undefined;
  } else if (!/^[a-z][a-z0-9+.-]*$/.test(scheme) || grammarParse(split.uri, 'absoluteURI') === -1) {
    return undefined;
  }
  const params = parseParameters(split.paramText);
  if (Object.keys(params).some((name) => !isToken(name))) return undefined;
  return { displayName: display.name, uri: split.uri, scheme, params, tag: params['tag'] ?? undefined, raw: value.trim() };
}

/** Contact field value: `*` or a comma list of name-addrs (RFC 3261 §20.10). */
export function parseContactList(value: string): SipNameAddr[] | '*' | undefined {
  if (value.trim() === '*') return '*';
  const out: SipNameAddr[] = [];
  for (const entry of splitOutside(value, ',')) {
    const contact = parseNameAddr(entry, 'Contact');
    if (contact === undefined) return undefined;
    out.push(contact);
  }
  return out;
}

/** Parses a SIP or SIPS URI; undefined for any other scheme or a malformed one. */
export function parseSipUri(text: string): SipUri | undefined {
  const parsed = grammarParse(text.trim(), 'SIP_URI') as -1 | { scheme: string; user: string | undefined; host: string; port: number | undefined };
  if (parsed === -1) return undefined;
  const scheme = parsed.scheme.toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') return undefined;
  const q = text.indexOf('?');
  const beforeHeaders = q < 0 ? text : text.slice(0, q);
  const semi = beforeHeaders.indexOf(';', beforeHeaders.indexOf('@') + 1);
  const params = semi < 0 ? {} : parseParameters(beforeHeaders.slice(semi + 1));
  const headers: Record<string, string[]> = {};
  if (q >= 0) {
    for (const pair of text.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      (headers[name] ??= []).push(eq < 0 ? '' : pair.slice(eq + 1));
    }
  }
  return { scheme, user: parsed.user, host: parsed.host, port: parsed.port, params, headers };
}
