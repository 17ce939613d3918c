import { fastSipUri, isPlainHost, isPlainIpv4, KNOWN_METHODS, plainHostPort, plainParams, TOKEN } from './fast-uri.js';

/**
 * Recognisers for the usual shapes of the header values every request carries (RFC 3261 §25.1):
 * Via, CSeq, From/To/Contact/Route name-addrs, Call-ID, Content-Type and the start line. Each accepts
 * a strict subset of the grammar and returns exactly the parts the SIP layers read from sip.js's
 * result, or undefined to send the value to sip.js's grammar, which stays the authority.
 */

/** Stands for "the grammar accepts this" where callers only test the result against -1. */
export const MATCHED: unknown = Object.freeze({});

/** A quoted-string without escapes, or a token: generic-param values (§25.1 `gen-value`). */
const GEN_VALUE = /^(?:[A-Za-z0-9\-.!%*_+`'~]+|"[\x20\x21\x23-\x5b\x5d-\x7e]*")$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
const DIGITS = /^\d{1,10}$/;

const VIA_PARAMS: Readonly<Record<string, (value: string | undefined) => boolean>> = {
  ttl: (v) => v !== undefined && /^\d{1,3}$/.test(v) && Number(v) <= 255,
  maddr: (v) => v !== undefined && isPlainHost(v),
  received: (v) => v !== undefined && isPlainIpv4(v),
  branch: (v) => v !== undefined && TOKEN.test(v),
  rport: (v) => v === undefined || /^[1-9]\d{0,4}$/.test(v),
};
const FROM_PARAMS: Readonly<Record<string, (value: string | undefined) => boolean>> = { tag: (v) => v !== undefined && TOKEN.test(v) };
const CONTACT_PARAMS: Readonly<Record<string, (value: string | undefined) => boolean>> = {
  q: (v) => v !== undefined && QVALUE.test(v),
  expires: (v) => v !== undefined && DIGITS.test(v),
};

/** Via: `SIP/2.0/transport host[:port]` and parameters (§20.42); transport as written. */
export function fastVia(text: string): { transport: string; host: string; port: number | undefined } | undefined {
  const m = /^SIP\/2\.0\/([A-Za-z]{2,4}) ([^;]+)(?:;(.*))?$/.exec(text);
  if (m === null) return undefined;
  const hostPort = plainHostPort(m[2]!);
  if (hostPort === undefined) return undefined;
  if (m[3] !== undefined && !plainParams(m[3], VIA_PARAMS, GEN_VALUE)) return undefined;
  return { transport: m[1]!, host: hostPort.host, port: hostPort.port };
}

/** CSeq: `digits SP Method` (§20.16) for the methods the grammar names. */
export function fastCSeq(text: string): { value: number; method: string } | undefined {
  const m = /^([1-9]\d{0,8}|0) ([A-Z]+)$/.exec(text);
  if (m === null || !KNOWN_METHODS.has(m[2]!)) return undefined;
  return { value: Number(m[1]), method: m[2]! };
}

/** A display name as a quoted string without escapes, or tokens separated by single spaces. */
function plainDisplayName(text: string): boolean {
  if (text === '') return true;
  if (text.startsWith('"')) return /^"[\x20\x21\x23-\x5b\x5d-\x7e]*"$/.test(text);
  return text.split(' ').every((word) => TOKEN.test(word));
}

/**
 * One name-addr (`display <sip-uri>;params`) or addr-spec (`sip-uri;params`, the URI without
 * parameters of its own) with a SIP or SIPS URI (§20.10, §20.20, §20.39).
 */
function plainNameAddr(text: string, params: Readonly<Record<string, (value: string | undefined) => boolean>>): boolean {
  if (/^\s|\s$/.test(text)) return false;
  const lt = text.indexOf('<');
  let paramText: string;
  if (lt >= 0) {
    const gt = text.indexOf('>', lt);
    if (gt < 0) return false;
    const display = text.slice(0, lt).replace(/ +$/, '');
    if (!plainDisplayName(display)) return false;
    if (fastSipUri(text.slice(lt + 1, gt)) === undefined) return false;
    paramText = text.slice(gt + 1);
  } else {
    const semi = text.indexOf(';');
    if (fastSipUri(semi < 0 ? text : text.slice(0, semi), false) === undefined) return false;
    paramText = semi < 0 ? '' : text.slice(semi);
  }
  if (paramText === '') return true;
  return paramText.startsWith(';') && plainParams(paramText.slice(1), params, GEN_VALUE);
}

/** From / To: one name-addr or addr-spec with `tag` and generic parameters (§20.20, §20.39). */
export function fastFromTo(text: string): unknown {
  return !text.includes(',') && plainNameAddr(text, FROM_PARAMS) ? MATCHED : undefined;
}

/** One Contact entry with `q`, `expires` and generic parameters (§20.10). */
export function fastContact(text: string): unknown {
  return text !== '*' && !text.includes(',') && plainNameAddr(text, CONTACT_PARAMS) ? MATCHED : undefined;
}

/** Route / Record-Route: a comma list of bracketed name-addrs (§20.30, §20.34). */
export function fastRouteList(text: string): unknown {
  if (text.includes('"')) return undefined;
  const entries = text.split(/ *, */);
  return entries.every((e) => e.startsWith('<') && plainNameAddr(e, {})) ? MATCHED : undefined;
}

/** Call-ID: `word [@ word]` (§20.8), word here without the rarer marks. */
export function fastCallId(text: string): unknown {
  return /^[A-Za-z0-9\-._+!~*'%]+(?:@[A-Za-z0-9\-._+!~*'%]+)?$/.test(text) ? MATCHED : undefined;
}

/** Content-Type without parameters, for the media types SIP messages usually carry (§20.15). */
export function fastContentType(text: string): unknown {
  return /^(?:application|text|message|multipart|image|audio|video)\/[A-Za-z0-9][A-Za-z0-9.+-]*$/i.test(text) ? MATCHED : undefined;
}

/** What the start line's readers use from sip.js's `Request_Response` result. */
export type FastStartLine =
  | { method: string; uri_headers: undefined; sip_version: 'SIP/2.0' }
  | { sip_version: 'SIP/2.0'; status_code: number; reason_phrase: string };

/** `Method SP sip-uri SP SIP/2.0` or `SIP/2.0 SP code SP reason` (§7.1, §7.2). */
export function fastStartLine(text: string): FastStartLine | undefined {
  if (text.startsWith('SIP/2.0 ')) {
    const m = /^SIP\/2\.0 ([1-6]\d\d) ([A-Za-z0-9][A-Za-z0-9 \-.'!~*()]*)$/.exec(text);
    if (m === null || m[2]!.endsWith(' ')) return undefined;
    return { sip_version: 'SIP/2.0', status_code: Number(m[1]), reason_phrase: m[2]! };
  }
  const m = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(text);
  if (m === null || !KNOWN_METHODS.has(m[1]!) || fastSipUri(m[2]!) === undefined) return undefined;
  return { method: m[1]!, uri_headers: undefined, sip_version: 'SIP/2.0' };
}
