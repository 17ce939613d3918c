/**
 * A `lookup` for UDP sockets (dgram's createSocket option). Our datagram targets are IP addresses (SIP
 * responses follow the Via's received address, requests a resolved next hop, RTP the SDP's or the
 * latched address); Node's default lookup still answers those a tick later, which is one more trip
 * through the event loop per datagram: 50 a second for each RTP stream. A literal is answered at
 * once; a name goes to DNS.
 */
import { lookup, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

export function lookupLiteral(address: string, options: number | LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = isIP(address);
  if (family !== 0) return callback(null, address, family);
  lookup(address, typeof options === 'number' ? { family: options } : options, (error, resolved, resolvedFamily) => callback(error, resolved as string, resolvedFamily as number));
}
