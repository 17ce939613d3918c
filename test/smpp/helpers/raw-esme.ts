/**
 * A minimal ESME over a raw socket for the SMPP tests: sends arbitrary octets, frames and decodes what
 * the server sends (with cellgate's own framer and codec), and can answer deliver_sm / enquire_link.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { decodePdu, encodePdu, encodeResponse, type SmppPdu } from '../../../src/smpp/codec.js';
import { PduFramer } from '../../../src/smpp/framer.js';

export interface RawEsmeOptions {
  port: number;
  host?: string;
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  /** Answer deliver_sm with this status (default 0); null = do not answer. */
  deliverStatus?: number | null;
  /** Answer enquire_link (default true). */
  answerEnquireLink?: boolean;
}

export class RawEsme {
  readonly socket: Socket;
  readonly received: SmppPdu[] = [];
  readonly raw: Buffer[] = [];
  /** Protocol errors in what the server sent (a test asserts this stays empty). */
  readonly errors: string[] = [];
  closed = false;
  private readonly framer = new PduFramer(1 << 20);
  private waiters: (() => void)[] = [];
  private seq = 1;
  deliverStatus: number | null;
  answerEnquireLink: boolean;

  private constructor(socket: Socket, opts: RawEsmeOptions) {
    this.socket = socket;
    this.deliverStatus = opts.deliverStatus === undefined ? 0 : opts.deliverStatus;
    this.answerEnquireLink = opts.answerEnquireLink ?? true;
    socket.on('data', (chunk: Buffer) => {
      for (const ev of this.framer.push(chunk)) {
        if (!ev.ok) {
          this.errors.push(`server sent a bad frame: ${ev.message}`);
          continue;
        }
        this.raw.push(ev.pdu);
        const d = decodePdu(ev.pdu);
        if (!d.ok) {
          this.errors.push(`server sent an undecodable PDU: ${d.reason}`);
          continue;
        }
        this.received.push(d.pdu);
        this.autoAnswer(d.pdu);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(opts: RawEsmeOptions): Promise<RawEsme> {
    return new Promise((resolve, reject) => {
      const host = opts.host ?? '127.0.0.1';
      const s = opts.tls
        ? tlsConnect({ host, port: opts.port, ca: opts.tls.ca, rejectUnauthorized: opts.tls.rejectUnauthorized ?? true, servername: 'localhost' })
        : netConnect({ host, port: opts.port });
      const ev = opts.tls ? 'secureConnect' : 'connect';
      s.once(ev, () => resolve(new RawEsme(s, opts)));
      s.once('error', reject);
    });
  }

  private autoAnswer(p: SmppPdu): void {
    if (p.command === 'deliver_sm' && this.deliverStatus !== null) {
      this.write(encodeResponse(p.command_id, p.sequence_number, this.deliverStatus, { message_id: '' }));
    } else if (p.command === 'enquire_link' && this.answerEnquireLink) {
      this.write(encodeResponse(p.command_id, p.sequence_number, 0));
    } else if (p.command === 'unbind') {
      this.write(encodeResponse(p.command_id, p.sequence_number, 0));
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(buf: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(buf);
  }

  nextSeq(): number {
    return this.seq++;
  }

  /** Sends a request built with the library codec; returns its sequence number. */
  request(command: string, fields: Record<string, unknown> = {}): number {
    const seq = this.nextSeq();
    this.write(encodePdu(command, seq, fields));
    return seq;
  }

  /** Waits for a PDU matching `pred` among those received (consumed in order of arrival). */
  async waitFor(pred: (p: SmppPdu) => boolean, timeoutMs = 3000, what = 'PDU'): Promise<SmppPdu> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit) return hit;
      if (this.closed) throw new Error(`connection closed while waiting for ${what}; got ${this.received.map((p) => p.command).join(',')}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.received.map((p) => `${p.command}#${p.sequence_number}:${p.command_status}`).join(',')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** The response to the request with sequence number `seq`. */
  response(seq: number, timeoutMs = 3000): Promise<SmppPdu> {
    return this.waitFor((p) => (p.command_id & 0x80000000) !== 0 && p.sequence_number === seq, timeoutMs, `response to #${seq}`);
  }

  async call(command: string, fields: Record<string, unknown> = {}, timeoutMs = 3000): Promise<SmppPdu> {
    return this.response(this.request(command, fields), timeoutMs);
  }

  async bind(mode: 'transmitter' | 'receiver' | 'transceiver', systemId = 'esme', password = 'secret', extra: Record<string, unknown> = {}): Promise<SmppPdu> {
    return this.call(`bind_${mode}`, { system_id: systemId, password, system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '', ...extra });
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > end) throw new Error('connection not closed in time');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** submit_sm fields with sensible defaults. */
export function submitFields(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    service_type: '',
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '4930123456',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '4917000001',
    esm_class: 0,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 0,
    replace_if_present_flag: 0,
    data_coding: 0,
    sm_default_msg_id: 0,
    short_message: Buffer.alloc(0),
    ...over,
  };
}
