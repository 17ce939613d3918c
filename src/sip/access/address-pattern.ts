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
import { familyOf, parseAddressShape, type AddressShape } from './address-pattern-syntax.js';

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

function withPort(text: string, list: BlockList, port: number | undefined): AddressPattern {
  return {
    text,
    matches: (ip, p) => {
      const plain = plainIp(ip);
      if (!isIPv4(plain) && !isIPv6(plain)) return false;
      return (port === undefined || port === p) && list.check(plain, familyOf(plain));
    },
  };
}

function matcher(text: string, shape: AddressShape): AddressPattern {
  if (shape.kind === 'octets') {
    const { octets, port } = shape;
    return {
      text,
      matches: (ip, p) => {
        const plain = plainIp(ip);
        if (!isIPv4(plain) || (port !== undefined && port !== p)) return false;
        const parts = plain.split('.').map(Number);
        return octets.every((o, i) => o === null || o === parts[i]);
      },
    };
  }
  const list = new BlockList();
  if (shape.kind === 'subnet') list.addSubnet(shape.net, shape.bits, shape.family);
  else if (shape.kind === 'range') list.addRange(shape.from, shape.to, 'ipv4');
  else list.addAddress(shape.host, shape.family);
  return withPort(text, list, shape.kind === 'subnet' ? undefined : shape.port);
}

/** The syntax is address-pattern-syntax.ts's (which the configuration schema checks with). */
export function parseAddressPattern(input: string): AddressPatternResult {
  const r = parseAddressShape(input);
  if (!r.ok) return r;
  try {
    return { ok: true, pattern: matcher(r.text, r.shape) };
  } catch (e) {
    return { ok: false, error: `${JSON.stringify(input)}: ${(e as Error).message}` };
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
