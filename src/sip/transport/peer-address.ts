import { isIP } from 'node:net';

/**
 * Address helpers. Sockets on a dual-stack listener report IPv4 peers as `::ffff:a.b.c.d`; SIP
 * compares and writes them as plain IPv4 (RFC 3261 §18.2.1 `received` holds the address as seen).
 */

/** `::ffff:192.0.2.1` → `192.0.2.1`; other addresses as they are. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** A Via or URI host without IPv6 brackets. */
export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Whether a Via host is an IP literal equal to `ip` (IPv6 compared case-insensitively). */
export function sameIp(host: string, ip: string): boolean {
  const bare = stripBrackets(host);
  if (isIP(bare) === 0) return false;
  return normalizeIp(bare).toLowerCase() === normalizeIp(ip).toLowerCase();
}

/** `ip:port`, with brackets for IPv6: the key of a peer in maps and logs. */
export function formatPeer(peer: { ip: string; port: number }): string {
  return isIP(peer.ip) === 6 ? `[${peer.ip}]:${peer.port}` : `${peer.ip}:${peer.port}`;
}
