/** Bounds-checked sequential reader over a PDU: every overrun becomes PduError('truncated'). */
import { PduError } from './pdu-error.js';

export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(field: string): number {
    if (this.pos >= this.buf.length) {
      throw new PduError('truncated', `${field}: PDU ends before this field`, this.pos);
    }
    return this.buf[this.pos++]!;
  }

  bytes(n: number, field: string): Uint8Array {
    if (n > this.remaining) {
      throw new PduError('truncated', `${field}: needs ${n} octets, only ${this.remaining} left`, this.pos);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Uint8Array {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }
}
