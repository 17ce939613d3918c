/** Packets and keys for the SRTP tests. */
import { randomBytes } from 'node:crypto';
import type { SrtpMasterKey } from '../../../src/media/srtp/srtp-transform.js';

export const newKey = (): SrtpMasterKey => ({ key: randomBytes(16), salt: randomBytes(14) });

/** A PCMA RTP packet: sequence `seq`, timestamp seq·160, 160 bytes of payload. */
export function rtp(seq: number, ssrc = 0x11223344, payload = Buffer.alloc(160, seq & 0xff)): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 8;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE((seq * 160) >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  return Buffer.concat([h, payload]);
}
