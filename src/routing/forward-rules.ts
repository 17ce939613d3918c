/**
 * Forward targets for incoming GSM calls (manual §4.7 "呼入管理", "转移号码"): where a line sends a call
 * that rings in from the mobile network.
 *
 * Forms (the manual's):
 *   - a fixed extension: `101`;
 *   - a SIP URI: `101@192.168.2.2:6060`, also written `sip:101@192.168.2.2:6060` (or `sips:`), with an
 *     optional `;transport=udp|tcp|tls`;
 *   - a caller-prefix map: `010>101|021>1002` — the longest prefix of the caller's number wins; each
 *     entry's target is an extension or a URI.
 *
 * Choices (not fixed by the manual):
 *   - A map entry with an empty prefix (`>100`) is the default: it takes callers no other prefix
 *     matches, and withheld callers (no number). Without one, a caller no prefix matches, and a
 *     withheld caller, has no target (null): the caller of this module decides (cellgate then lets the
 *     call ring and rejects it, the behaviour without forwarding).
 *   - Prefixes are digits, `+`, `*` and `#`, matched against the number as the network gave it and,
 *     when the country is known (`NumberForms`: `sip.forward.countryCode`), against its other form:
 *     an international caller `+8610…` (or `008610…`) also matches the national `010…`, and a
 *     national caller `010…` also matches `+8610…`. The longest prefix over both forms wins (on a tie,
 *     the form as given). A prefix given twice is an error.
 *   - Spaces around the whole text, entries and `>` are ignored.
 *
 * Pure: no I/O; bad input gives `{ ok: false, error }` naming what is wrong, never a throw.
 */

/** Longest text accepted (the configuration allows 512). */
export const MAX_FORWARD_TEXT_LENGTH = 512;

export type ForwardTransport = 'udp' | 'tcp' | 'tls';

export type ForwardTarget =
  /** A bare extension or user: resolved by the caller (registrar extension, or the line's PBX account). */
  | { readonly kind: 'extension'; readonly user: string }
  /** A SIP URI: sent directly. `port` and `transport` are null when not written. */
  | {
      readonly kind: 'uri';
      readonly scheme: 'sip' | 'sips';
      readonly user: string;
      readonly host: string;
      readonly port: number | null;
      readonly transport: ForwardTransport | null;
    };

export interface PrefixEntry {
  /** May be empty: the default entry. */
  readonly prefix: string;
  readonly target: ForwardTarget;
}

export type ForwardRule = { readonly kind: 'fixed'; readonly target: ForwardTarget } | { readonly kind: 'by-caller'; readonly entries: readonly PrefixEntry[] };

export type ForwardRuleParse = { readonly ok: true; readonly rule: ForwardRule } | { readonly ok: false; readonly error: string };

export type ForwardTargetResult = { readonly ok: true; readonly target: ForwardTarget | null } | { readonly ok: false; readonly error: string };

/** RFC 3261 §25.1 user characters that need no escaping (unreserved and user-unreserved, no `%`). */
const USER = /^[A-Za-z0-9\-_.!~*'()+&=$,;?/]{1,64}$/;
const EXTENSION = /^[A-Za-z0-9\-_.!~*'()+]{1,64}$/;
const PREFIX = /^[0-9+*#]{0,32}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_BRACKETED = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** `[sip:|sips:]user@host[:port][;transport=x]`, or an error naming the bad part. */
function parseUri(text: string): { ok: true; target: ForwardTarget } | { ok: false; error: string } {
  let rest = text;
  let scheme: 'sip' | 'sips' = 'sip';
  const schemeMatch = /^(sips?):/i.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1]!.toLowerCase() as 'sip' | 'sips';
    rest = rest.slice(schemeMatch[0].length);
  }
  const [address, ...params] = rest.split(';');
  let transport: ForwardTransport | null = null;
  for (const param of params) {
    const [name, value] = param.split('=');
    if (name?.toLowerCase() !== 'transport') return { ok: false, error: `SIP URI ${quote(text)}: unknown parameter ${quote(param)} (only transport= is taken)` };
    const lower = value?.toLowerCase();
    if (lower !== 'udp' && lower !== 'tcp' && lower !== 'tls') return { ok: false, error: `SIP URI ${quote(text)}: transport must be udp, tcp or tls` };
    transport = lower;
  }
  const at = address!.lastIndexOf('@');
  if (at < 0) return { ok: false, error: `SIP URI ${quote(text)}: expected user@host` };
  const user = address!.slice(0, at);
  const hostPort = address!.slice(at + 1);
  if (!USER.test(user)) return { ok: false, error: `SIP URI ${quote(text)}: bad user part ${quote(user)}` };
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!hostMatch) return { ok: false, error: `SIP URI ${quote(text)}: bad host or port ${quote(hostPort)}` };
  const host = hostMatch[1]!;
  if (!(IPV4.test(host) || IPV6_BRACKETED.test(host) || (HOSTNAME.test(host) && !/^[\d.]+$/.test(host)))) {
    return { ok: false, error: `SIP URI ${quote(text)}: bad host ${quote(host)}` };
  }
  let port: number | null = null;
  if (hostMatch[2] !== undefined) {
    port = Number(hostMatch[2]);
    if (port < 1 || port > 65535) return { ok: false, error: `SIP URI ${quote(text)}: port ${hostMatch[2]} is not 1 to 65535` };
  }
  if (scheme === 'sips' && transport !== null && transport !== 'tls') return { ok: false, error: `SIP URI ${quote(text)}: sips needs transport tls` };
  return { ok: true, target: { kind: 'uri', scheme, user, host, port, transport } };
}

/** One target: a URI when it holds `@` or a scheme, else an extension. */
function parseTarget(text: string): { ok: true; target: ForwardTarget } | { ok: false; error: string } {
  if (text === '') return { ok: false, error: 'empty target' };
  if (text.includes('@') || /^sips?:/i.test(text)) return parseUri(text);
  if (!EXTENSION.test(text)) return { ok: false, error: `${quote(text)} is neither an extension (letters, digits, - _ . ! ~ * ' ( ) +) nor a SIP URI user@host` };
  return { ok: true, target: { kind: 'extension', user: text } };
}

/** Parses a forward setting (one of the three forms). */
export function parseForwardRule(text: unknown): ForwardRuleParse {
  if (typeof text !== 'string') return { ok: false, error: 'the forward target must be a text' };
  if (text.length > MAX_FORWARD_TEXT_LENGTH) return { ok: false, error: `the forward target is longer than ${MAX_FORWARD_TEXT_LENGTH} characters` };
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'the forward target is empty' };
  if (!trimmed.includes('>')) {
    if (trimmed.includes('|')) return { ok: false, error: 'entries separated by "|" need "prefix>target" (e.g. 010>101|021>1002)' };
    const one = parseTarget(trimmed);
    return one.ok ? { ok: true, rule: { kind: 'fixed', target: one.target } } : one;
  }
  const entries: PrefixEntry[] = [];
  const seen = new Set<string>();
  const parts = trimmed.split('|');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!.trim();
    const where = `entry ${i + 1} (${quote(entry)})`;
    const arrow = entry.indexOf('>');
    if (arrow < 0) return { ok: false, error: `${where}: expected prefix>target` };
    const prefix = entry.slice(0, arrow).trim();
    const targetText = entry.slice(arrow + 1).trim();
    if (targetText.includes('>')) return { ok: false, error: `${where}: more than one ">"` };
    if (!PREFIX.test(prefix)) return { ok: false, error: `${where}: the prefix may hold only digits, +, * and # (at most 32)` };
    if (seen.has(prefix)) return { ok: false, error: `${where}: ${prefix === '' ? 'a second default entry' : `prefix ${prefix} given twice`}` };
    seen.add(prefix);
    const target = parseTarget(targetText);
    if (!target.ok) return { ok: false, error: `${where}: ${target.error}` };
    entries.push({ prefix, target: target.target });
  }
  return { ok: true, rule: { kind: 'by-caller', entries } };
}

/** How national and international numbers relate where the gateway is: `86` and `0` for China. */
export interface NumberForms {
  /** E.164 country calling code without "+", e.g. "86"; null: unknown, numbers match only as given. */
  readonly countryCode: string | null;
  /** The national trunk prefix, e.g. "0" ("" where there is none). */
  readonly trunkPrefix: string;
}

/**
 * The caller as given, then its other form in the country of `forms`: `+8610…` / `008610…` → `010…`,
 * and `010…` → `+8610…`. Only the form as given when the country is unknown or the number is foreign.
 */
export function callerForms(number: string, forms: NumberForms | null): string[] {
  const out = [number];
  const cc = forms?.countryCode ?? null;
  if (forms === null || cc === null || !/^[0-9]{1,3}$/.test(cc) || !/^\+?[0-9]+$/.test(number)) return out;
  const international = number.startsWith(`+${cc}`) ? number.slice(cc.length + 1) : number.startsWith(`00${cc}`) ? number.slice(cc.length + 2) : null;
  if (international !== null && international !== '') out.push(`${forms.trunkPrefix}${international}`);
  else if (!number.startsWith('+') && !number.startsWith('00') && forms.trunkPrefix !== '' && number.startsWith(forms.trunkPrefix) && number.length > forms.trunkPrefix.length) {
    out.push(`+${cc}${number.slice(forms.trunkPrefix.length)}`);
  }
  return out;
}

/**
 * The target a parsed rule gives a caller (null/empty: withheld): the longest prefix matching the
 * number as given or its other form (callerForms), or null.
 */
export function targetForCaller(rule: ForwardRule, caller: string | null, forms: NumberForms | null = null): ForwardTarget | null {
  if (rule.kind === 'fixed') return rule.target;
  const number = typeof caller === 'string' ? caller.trim() : '';
  const candidates = number === '' ? [''] : callerForms(number, forms);
  let best: PrefixEntry | null = null;
  for (const entry of rule.entries) {
    // A withheld caller matches only the default entry (empty prefix).
    if (number === '' && entry.prefix !== '') continue;
    if (!candidates.some((form) => form.startsWith(entry.prefix))) continue;
    if (best === null || entry.prefix.length > best.prefix.length) best = entry;
  }
  return best?.target ?? null;
}

/** Parses the line's forward setting and picks the target for `caller`; null when the map has no entry for it. */
export function forwardTargetFor(text: unknown, caller: string | null, forms: NumberForms | null = null): ForwardTargetResult {
  const parsed = parseForwardRule(text);
  if (!parsed.ok) return parsed;
  return { ok: true, target: targetForCaller(parsed.rule, caller, forms) };
}

/** The target as text, for records and logs: `101`, `sip:101@192.168.2.2:6060;transport=tcp`. */
export function formatForwardTarget(target: ForwardTarget): string {
  if (target.kind === 'extension') return target.user;
  const port = target.port === null ? '' : `:${target.port}`;
  const transport = target.transport === null ? '' : `;transport=${target.transport}`;
  return `${target.scheme}:${target.user}@${target.host}${port}${transport}`;
}
