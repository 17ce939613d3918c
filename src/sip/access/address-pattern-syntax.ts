/**
 * The syntax of trunk peer address patterns (address-pattern.ts has the forms and builds the
 * matchers): parsed into a plain description without node:net, so that the configuration schema,
 * which checks these patterns, also runs in the operator UI's browser bundle.
 *
 * Pure; bad input gives an error text, never a throw.
 */
import { isIPv4, isIPv6 } from '../../config/ip-literal.js';

export type AddressFamily = 'ipv4' | 'ipv6';

export type AddressShape =
  /** A CIDR network. */
  | { kind: 'subnet'; net: string; bits: number; family: AddressFamily }
  /** An IPv4 range, both ends included; also `a.b.c.X` (X as 0 to 255), with an optional port. */
  | { kind: 'range'; from: string; to: string; port?: number }
  /** `10.X.0.1`: X in the middle is not one range, so octet by octet (null = any). */
  | { kind: 'octets'; octets: (number | null)[]; port?: number }
  /** One address, optionally with a port. */
  | { kind: 'address'; host: string; family: AddressFamily; port?: number };

export type AddressShapeResult = { ok: true; text: string; shape: AddressShape } | { ok: false; error: string };

export function familyOf(ip: string): AddressFamily {
  return isIPv4(ip) ? 'ipv4' : 'ipv6';
}

function splitPort(text: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, ...(bracketed[2] === undefined ? {} : { port: Number(bracketed[2]) }) };
  const v4 = /^([^:]+):(\d{1,5})$/.exec(text);
  if (v4) return { host: v4[1]!, port: Number(v4[2]) };
  return { host: text };
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseAddressShape(input: string): AddressShapeResult {
  const text = typeof input === 'string' ? input.trim() : '';
  const bad = (why: string): AddressShapeResult => ({ ok: false, error: `${JSON.stringify(input)}: ${why}` });
  const ok = (shape: AddressShape): AddressShapeResult => ({ ok: true, text, shape });
  if (text === '') return bad('empty address');
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const [, net, bits] = cidr;
    const max = isIPv4(net!) ? 32 : isIPv6(net!) ? 128 : -1;
    if (max < 0) return bad('a network must be an IP address followed by /bits');
    if (Number(bits) > max) return bad(`a prefix length of at most ${max}`);
    return ok({ kind: 'subnet', net: net!, bits: Number(bits), family: familyOf(net!) });
  }
  const range = /^([0-9.]+)-([0-9.]+)$/.exec(text);
  if (range) {
    const [, from, to] = range;
    if (!isIPv4(from!) || !isIPv4(to!)) return bad('a range is two IPv4 addresses joined by "-"');
    if (ipv4Number(from!) > ipv4Number(to!)) return bad('a range starts at its lower address');
    return ok({ kind: 'range', from: from!, to: to! });
  }
  const split = splitPort(text);
  const port = split.port === undefined ? {} : { port: split.port };
  if (split.port !== undefined && (split.port < 1 || split.port > 65535)) return bad('a port from 1 to 65535');
  const octets = split.host.split('.');
  if (octets.length === 4 && octets.some((o) => o === 'X' || o === 'x')) {
    if (!octets.every((o) => o === 'X' || o === 'x' || OCTET.test(o))) return bad('each part of a dotted address is 0-255 or X');
    const fixed = octets.map((o) => (o === 'X' || o === 'x' ? null : Number(o)));
    // `10.X.0.1` is not one range: it is checked octet by octet.
    if (fixed.some((o, i) => o === null && fixed.slice(i + 1).some((later) => later !== null))) return ok({ kind: 'octets', octets: fixed, ...port });
    // X spans 0-255: the pattern is a range from all-X-as-0 to all-X-as-255.
    const low = fixed.map((o) => o ?? 0).join('.');
    const high = fixed.map((o) => o ?? 255).join('.');
    return ok({ kind: 'range', from: low, to: high, ...port });
  }
  if (!isIPv4(split.host) && !isIPv6(split.host)) return bad('expected an IP address (host names are not accepted), "a.b.c.X", a CIDR network or a range a-b');
  return ok({ kind: 'address', host: split.host, family: familyOf(split.host), ...port });
}
