/**
 * SMPP PDU framing (pure, no I/O): fed arbitrary chunks of a TCP stream, yields complete PDU buffers.
 *
 * SMPP 3.4 §3.2: every PDU starts with a 16-octet header whose first field, command_length, counts the
 * whole PDU, header included. A command_length below 16 cannot hold the header, and one above the
 * configured maximum is treated as corrupt (§4.3: "an invalid command_length (either too short or too
 * long) ... the data is corrupt"). After such a length the stream cannot be resynchronised (there is no
 * frame marker), so the framer stops: the session answers generic_nack ESME_RINVCMDLEN and closes.
 */

export const HEADER_LENGTH = 16;
/** Enough for a message_payload TLV of 64 KiB plus the rest of a submit_sm. */
export const DEFAULT_MAX_PDU_LENGTH = 70_000;

export type FrameEvent =
  | { ok: true; pdu: Buffer }
  | {
      ok: false;
      reason: 'command_length';
      commandLength: number;
      /** command_id and sequence_number of the offending header when 16 octets of it were received, else null. */
      commandId: number | null;
      sequence: number | null;
      message: string;
    };

export class PduFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(readonly maxPduLength: number = DEFAULT_MAX_PDU_LENGTH) {
    if (!Number.isInteger(maxPduLength) || maxPduLength < HEADER_LENGTH) {
      throw new RangeError(`maxPduLength must be an integer >= ${HEADER_LENGTH}, got ${maxPduLength}`);
    }
  }

  /** True after a framing error: nothing more is framed. */
  get broken(): boolean {
    return this.failed;
  }

  /** Octets received and not yet part of a complete PDU. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds one chunk. Returns the complete PDUs it finishes, in order, followed by at most one framing
   * error (after which the framer is broken and ignores further input).
   */
  push(chunk: Uint8Array): FrameEvent[] {
    if (this.failed || chunk.length === 0) return [];
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.buffered += chunk.length;
    const out: FrameEvent[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(Math.min(this.buffered, HEADER_LENGTH));
      const commandLength = head.readUInt32BE(0);
      if (commandLength < HEADER_LENGTH || commandLength > this.maxPduLength) {
        const full = head.length >= HEADER_LENGTH;
        out.push({
          ok: false,
          reason: 'command_length',
          commandLength,
          commandId: full ? head.readUInt32BE(4) : null,
          sequence: full ? head.readUInt32BE(12) : null,
          message:
            commandLength < HEADER_LENGTH
              ? `command_length ${commandLength} is shorter than the 16-octet header`
              : `command_length ${commandLength} exceeds the maximum of ${this.maxPduLength}`,
        });
        this.failed = true;
        this.chunks = [];
        this.buffered = 0;
        break;
      }
      if (this.buffered < commandLength) break;
      out.push({ ok: true, pdu: this.take(commandLength) });
    }
    return out;
  }

  /** The first `n` buffered octets (n <= buffered), without consuming them. */
  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    const merged = Buffer.concat(this.chunks);
    this.chunks = [merged];
    return merged.subarray(0, n);
  }

  /** Removes and returns the first `n` buffered octets as one buffer of its own. */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = this.chunks[0]!;
      if (c.length <= need) {
        parts.push(c);
        this.chunks.shift();
        need -= c.length;
      } else {
        parts.push(c.subarray(0, need));
        this.chunks[0] = c.subarray(need);
        need = 0;
      }
    }
    this.buffered -= n;
    // A copy, so that a PDU never pins a larger socket chunk and callers may keep it.
    return Buffer.from(parts.length === 1 ? parts[0]! : Buffer.concat(parts, n));
  }
}
