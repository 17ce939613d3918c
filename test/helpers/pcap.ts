/**
 * A minimal reader of classic libpcap files (Ethernet link type, IPv4, UDP) for replaying captured RTP
 * into parsers: yields each UDP datagram with its capture time and addresses. Non-UDP frames are skipped.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

export interface PcapUdp {
  /** Capture time in microseconds since the epoch. */
  timeUs: number;
  src: { address: string; port: number };
  dst: { address: string; port: number };
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;

export function readPcapUdp(path: string): PcapUdp[] {
  // A missing capture fails the test, never skips it.
  if (!existsSync(path)) assert.fail(`${path} is missing: the Debian package sip-tester installs it (apt-get install sip-tester), which .ci/run lists`);
  const file = readFileSync(path);
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4) throw new Error(`${path}: not a classic pcap file`);
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  if (u32(20) !== LINKTYPE_ETHERNET) throw new Error(`${path}: link type ${u32(20)} is not Ethernet`);
  const out: PcapUdp[] = [];
  for (let off = 24; off + 16 <= file.length; ) {
    const timeUs = u32(off) * 1e6 + u32(off + 4);
    const capLen = u32(off + 8);
    const frame = file.subarray(off + 16, off + 16 + capLen);
    off += 16 + capLen;
    if (frame.readUInt16BE(12) !== 0x0800) continue;
    const ip = frame.subarray(14);
    const ihl = (ip[0]! & 0x0f) * 4;
    if (ip[9] !== 17) continue;
    const totalLen = ip.readUInt16BE(2);
    const udp = ip.subarray(ihl, totalLen);
    const addr = (o: number) => `${ip[o]}.${ip[o + 1]}.${ip[o + 2]}.${ip[o + 3]}`;
    out.push({
      timeUs,
      src: { address: addr(12), port: udp.readUInt16BE(0) },
      dst: { address: addr(16), port: udp.readUInt16BE(2) },
      payload: Buffer.from(udp.subarray(8, udp.readUInt16BE(4))),
    });
  }
  return out;
}

/** Where the Debian sip-tester package (SIPp) installs its sample captures. */
export const SIPP_PCAP_DIR = '/usr/share/sip-tester';
