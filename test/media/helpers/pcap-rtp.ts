/**
 * A tiny pcap reader for test fixtures: the UDP payloads of a little- or big-endian classic pcap file
 * with Ethernet (link type 1) or Linux cooked (113) framing over IPv4.
 */
import { readFileSync } from 'node:fs';
import alawmulaw from 'alawmulaw';

export function udpPayloads(file: string): Buffer[] {
  const data = readFileSync(file);
  const magic = data.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4;
  if (!le && data.readUInt32BE(0) !== 0xa1b2c3d4) throw new Error(`${file}: not a pcap file`);
  const u32 = (o: number) => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  const linkType = u32(20);
  const linkHeader = linkType === 1 ? 14 : linkType === 113 ? 16 : -1;
  if (linkHeader < 0) throw new Error(`${file}: link type ${linkType} not supported`);
  const out: Buffer[] = [];
  for (let at = 24; at + 16 <= data.length; ) {
    const captured = u32(at + 8);
    const frame = data.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
    const ip = frame.subarray(linkHeader);
    if (ip.length < 20 || ip[0] >> 4 !== 4 || ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0] & 0x0f) * 4);
    out.push(udp.subarray(8, udp.readUInt16BE(4)));
  }
  return out;
}

/** The RTP payloads of a pcap (fixed 12-byte headers assumed, as in the SIPp captures). */
export function rtpPayloads(file: string): Buffer[] {
  return udpPayloads(file).filter((p) => p.length > 12 && p[0] >> 6 === 2).map((p) => p.subarray(12));
}

/** A G.711 A-law pcap's audio as 16-bit linear samples, in order. */
export function alawPcapAudio(file: string): Int16Array {
  const payloads = rtpPayloads(file);
  return alawmulaw.alaw.decode(new Uint8Array(Buffer.concat(payloads)));
}
