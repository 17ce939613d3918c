/**
 * Address patterns of trunk peer entries (manual §4.3 "中继网关模式": entries 2 and 3 take lists and
 * ranges such as `192.168.1.X`). Forms: an IPv4 or IPv6 address, optionally with a port
 * (`192.168.1.10:5080`, `[2001:db8::1]:5060`); `X` in place of any IPv4 octet (any value there); a
 * network in CIDR form (`10.0.0.0/24`, `2001:db8::/32`); a range of IPv4 addresses
 * (`10.0.0.1-10.0.0.20`). Host names are not accepted: a name resolves to whatever its DNS says at the
 * moment, and a toll-fraud check must not depend on that.
 *
 * Pure; bad input gives an error text, never a throw.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface AddressPattern {
  /** The pattern as written. */
  readonly text: string;
  /** Whether a packet from `ip` (and source port `port`) matches. */
  matches(ip: string, port: number): boolean;
}

export type AddressPatternResult = { ok: true; pattern: AddressPattern } | { ok: false; error: string };

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) compares as `10.0.0.1`. */
export function plainIp(ip: string): string {
  return ip.toLowerCase().startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

function family(ip: string): 'ipv4' | 'ipv6' {
  return isIPv4(ip) ? 'ipv4' : 'ipv6';
}

function withPort(text: string, list: BlockList, port: number | undefined): AddressPattern {
  return {
    text,
    matches: (ip, p) => {
      const plain = plainIp(ip);
      if (!isIPv4(plain) && !isIPv6(plain)) return false;
      return (port === undefined || port === p) && list.check(plain, family(plain));
    },
  };
}

function splitPort(text: string): { host: string; port?: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, ...(bracketed[2] === undefined ? {} : { port: Number(bracketed[2]) }) };
  const v4 = /^([^:]+):(\d{1,5})$/.exec(text);
  if (v4) return { host: v4[1]!, port: Number(v4[2]) };
  return { host: text };
}

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseAddressPattern(input: string): AddressPatternResult {
  const text = typeof input === 'string' ? input.trim() : '';
  const bad = (why: string): AddressPatternResult => ({ ok: false, error: `${JSON.stringify(input)}: ${why}` });
  if (text === '') return bad('empty address');
  const list = new BlockList();
  try {
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(text);
    if (cidr) {
      const [, net, bits] = cidr;
      const max = isIPv4(net!) ? 32 : isIPv6(net!) ? 128 : -1;
      if (max < 0) return bad('a network must be an IP address followed by /bits');
      if (Number(bits) > max) return bad(`a prefix length of at most ${max}`);
      list.addSubnet(net!, Number(bits), family(net!));
      return { ok: true, pattern: withPort(text, list, undefined) };
    }
    const range = /^([0-9.]+)-([0-9.]+)$/.exec(text);
    if (range) {
      const [, from, to] = range;
      if (!isIPv4(from!) || !isIPv4(to!)) return bad('a range is two IPv4 addresses joined by "-"');
      list.addRange(from!, to!, 'ipv4');
      return { ok: true, pattern: withPort(text, list, undefined) };
    }
    const split = splitPort(text);
    if (!split) return bad('not an address');
    if (split.port !== undefined && (split.port < 1 || split.port > 65535)) return bad('a port from 1 to 65535');
    const octets = split.host.split('.');
    if (octets.length === 4 && octets.some((o) => o === 'X' || o === 'x')) {
      if (!octets.every((o) => o === 'X' || o === 'x' || OCTET.test(o))) return bad('each part of a dotted address is 0-255 or X');
      // X spans 0-255: the pattern is a range from all-X-as-0 to all-X-as-255.
      const low = octets.map((o) => (o === 'X' || o === 'x' ? '0' : o)).join('.');
      const high = octets.map((o) => (o === 'X' || o === 'x' ? '255' : o)).join('.');
      const fixed = octets.map((o) => (o === 'X' || o === 'x' ? null : Number(o)));
      if (fixed.some((o, i) => o === null && fixed.slice(i + 1).some((later) => later !== null))) {
        // `10.X.0.1` is not one range: check octet by octet.
        return {
          ok: true,
          pattern: {
            text,
            matches: (ip, p) => {
              const plain = plainIp(ip);
              if (!isIPv4(plain) || (split.port !== undefined && split.port !== p)) return false;
              const parts = plain.split('.').map(Number);
              return fixed.every((o, i) => o === null || o === parts[i]);
            },
          },
        };
      }
      list.addRange(low, high, 'ipv4');
      return { ok: true, pattern: withPort(text, list, split.port) };
    }
    if (!isIPv4(split.host) && !isIPv6(split.host)) return bad('expected an IP address (host names are not accepted), "a.b.c.X", a CIDR network or a range a-b');
    list.addAddress(split.host, family(split.host));
    return { ok: true, pattern: withPort(text, list, split.port) };
  } catch (e) {
    return bad((e as Error).message);
  }
}

/** Parses a list; every problem is reported. */
export function parseAddressPatterns(texts: readonly string[]): { ok: true; patterns: AddressPattern[] } | { ok: false; errors: string[] } {
  const patterns: AddressPattern[] = [];
  const errors: string[] = [];
  for (const t of texts) {
    const r = parseAddressPattern(t);
    if (r.ok) patterns.push(r.pattern);
    else errors.push(r.error);
  }
  return errors.length === 0 ? { ok: true, patterns } : { ok: false, errors };
}
