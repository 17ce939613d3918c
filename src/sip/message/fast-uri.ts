/**
 * Recognisers for the usual shapes of a SIP URI and its parts (RFC 3261 §19.1.1, ABNF §25.1), each
 * accepting only a strict subset of the grammar: plain characters, no escapes, no IPv6, no URI
 * headers, no whitespace. They answer undefined for anything else, and the caller then asks sip.js's
 * grammar, which stays the authority (see the fast-grammar decision record).
 */

/** `unreserved` plus the `user-unreserved` marks that need no escaping care (§25.1 `user`). */
const USER = /^[A-Za-z0-9\-_.!~*'()+&=$]+$/;
/** `token` (§25.1). */
export const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** `paramchar` without escapes and the `param-unreserved` marks (§25.1 `pname`, `pvalue`). */
const PARAM_TEXT = /^[A-Za-z0-9\-_.!~*']+$/;
/** Four `dec-octet`s (§25.1 `IPv4address`), each without leading zeros, in one pass. */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const TOP_LABEL = /^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** Methods the grammar names (§25.1 `Method`); others are declined rather than reasoned about. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(['INVITE', 'ACK', 'OPTIONS', 'BYE', 'CANCEL', 'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'MESSAGE', 'INFO', 'PRACK', 'UPDATE', 'PUBLISH']);

/** A dotted-quad IPv4 address without leading zeros (§25.1 `IPv4address`). */
export function isPlainIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** `hostname` whose top label starts with a letter, or a plain IPv4 address; no trailing dot. */
export function isPlainHost(text: string): boolean {
  if (text === '' || text.length > 253) return false;
  if (isPlainIpv4(text)) return true;
  const labels = text.split('.');
  const top = labels.pop()!;
  return TOP_LABEL.test(top) && labels.every((l) => DOMAIN_LABEL.test(l));
}

/** A port of one to five digits without a leading zero, at most 65535. */
export function plainPort(text: string): number | undefined {
  if (!/^[1-9]\d{0,4}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** `host[:port]` in the plain shapes; undefined otherwise. */
export function plainHostPort(text: string): { host: string; port: number | undefined } | undefined {
  const colon = text.indexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  if (!isPlainHost(host)) return undefined;
  if (colon < 0) return { host, port: undefined };
  const port = plainPort(text.slice(colon + 1));
  return port === undefined ? undefined : { host, port };
}

const SPECIAL_NAMES = new WeakMap<object, readonly string[]>();

/** The names of a table of special parameters, listed once per table. */
function specialNames(special: Readonly<Record<string, unknown>>): readonly string[] {
  let names = SPECIAL_NAMES.get(special);
  if (names === undefined) SPECIAL_NAMES.set(special, (names = Object.keys(special)));
  return names;
}

/**
 * Checks `;name[=value]` parameters (text after the first `;`). Names the grammar treats specially
 * (`special`, lower case) must pass `checkSpecial`; a name that merely starts with one of them is
 * declined, since a PEG grammar may commit to the special rule on the prefix.
 */
export function plainParams(text: string, special: Readonly<Record<string, (value: string | undefined) => boolean>>, value: RegExp = PARAM_TEXT): boolean {
  for (const param of text.split(';')) {
    const eq = param.indexOf('=');
    const name = eq < 0 ? param : param.slice(0, eq);
    const val = eq < 0 ? undefined : param.slice(eq + 1);
    if (!PARAM_TEXT.test(name) || !TOKEN.test(name)) return false;
    const lower = name.toLowerCase();
    const check = special[lower];
    if (check !== undefined) {
      if (!check(val)) return false;
      continue;
    }
    for (const s of specialNames(special)) if (lower.startsWith(s)) return false;
    if (val !== undefined && !value.test(val)) return false;
  }
  return true;
}

const tokenValue = (v: string | undefined): boolean => v !== undefined && /^[A-Za-z]+$/.test(v);
const URI_PARAMS: Readonly<Record<string, (value: string | undefined) => boolean>> = {
  transport: tokenValue,
  user: tokenValue,
  method: (v) => v !== undefined && KNOWN_METHODS.has(v),
  ttl: (v) => v !== undefined && /^\d{1,3}$/.test(v) && Number(v) <= 255,
  // sip.js reports an maddr as the URI's host: left to the grammar so callers see what it says.
  maddr: () => false,
  lr: (v) => v === undefined,
};

/** The parts of a SIP URI the SIP layers read, as sip.js reports them (scheme and host in lower case). */
export interface FastSipUri {
  readonly scheme: string;
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
}

/**
 * `sip:` / `sips:` [user@] host [:port] *(;param), plain shapes only (§19.1.1). `withParams` false
 * declines any `;` (an addr-spec outside angle brackets, whose parameters belong to the header).
 */
export function fastSipUri(text: string, withParams = true): FastSipUri | undefined {
  const colon = text.indexOf(':');
  if (colon !== 3 && colon !== 4) return undefined;
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') return undefined;
  const rest = text.slice(colon + 1);
  const semi = rest.indexOf(';');
  if (semi >= 0 && !withParams) return undefined;
  const main = semi < 0 ? rest : rest.slice(0, semi);
  if (semi >= 0 && !plainParams(rest.slice(semi + 1), URI_PARAMS)) return undefined;
  const at = main.indexOf('@');
  let user: string | undefined;
  if (at >= 0) {
    user = main.slice(0, at);
    if (!USER.test(user)) return undefined;
  }
  const hostPort = plainHostPort(main.slice(at + 1));
  if (hostPort === undefined) return undefined;
  return { scheme, user, host: hostPort.host.toLowerCase(), port: hostPort.port };
}
