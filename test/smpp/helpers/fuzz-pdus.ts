/**
 * Generators of malformed or misplaced SMPP PDUs for the fuzz tests (test/smpp/fuzz.test.ts against the
 * SMSC alone, test/e2e/smpp-fuzz.test.ts through the daemon), seeded so that a failing run can be
 * repeated. Two families:
 * - non-fatal: the stream stays framed (command_length matches what is sent), the SMSC must answer each
 *   PDU (generic_nack or an error response) and keep the connection: unknown command ids, truncated and
 *   random bodies, C-Octet Strings without their NULL, well-formed PDUs in the wrong bind state
 *   (submit before bind, deliver_sm from an ESME, outbind, a second bind), broken TLVs, bad binds;
 * - fatal: framing is lost (command_length below 16, above the SMSC's limit up to 100000, random
 *   octets whose first word claims 100000), the SMSC answers generic_nack ESME_RINVCMDLEN and closes.
 *
 * Every submit these produce is addressed to FUZZ_DEST (submitFields' destination), a number the
 * daemon's dial rules refuse in the end-to-end test, so that none of them becomes an SMS there.
 */
import { encodePdu } from '../../../src/smpp/codec.js';
import { submitFields } from './raw-esme.js';
import { prng } from '../../helpers/prng.js';

export { prng };

/** Destination of every submit_sm the generators write. */
export const FUZZ_DEST = String(submitFields().destination_addr);


export function header(length: number, id: number, seq: number, status = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length >>> 0, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(status >>> 0, 8);
  b.writeUInt32BE(seq >>> 0, 12);
  return b;
}

function withLength(b: Buffer): Buffer {
  b.writeUInt32BE(b.length, 0);
  return b;
}

/** SMPP 3.4 §5.1.2 command ids (requests and responses) and the SMPP 5.0 broadcast ones. */
const KNOWN = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x15, 0x21, 0x102, 0x103, 0x111, 0x112, 0x113, 0x80000000, 0x80000004, 0x80000005, 0x80000015];

export function bindPdu(kind: 'transmitter' | 'receiver' | 'transceiver', seq: number, systemId: string, password: string): Buffer {
  return encodePdu(`bind_${kind}`, seq, { system_id: systemId, password, system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
}

export type NonFatalKind = 'unknown-id' | 'truncated' | 'random-body' | 'no-nul' | 'wrong-state' | 'bad-tlv' | 'bad-bind' | 'bad-field';

/** One malformed or misplaced PDU that keeps the stream framed. */
export function nonFatal(rnd: () => number, seq: number): { kind: NonFatalKind; pdu: Buffer } {
  const randBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  const pick = Math.floor(rnd() * 8);
  switch (pick) {
    case 0: {
      let id = Math.floor(rnd() * 0xffffffff);
      if (KNOWN.includes(id)) id = 0x99;
      return { kind: 'unknown-id', pdu: withLength(Buffer.concat([header(0, id, seq), randBytes(Math.floor(rnd() * 40))])) };
    }
    case 1: {
      const full = encodePdu('submit_sm', seq, submitFields({ short_message: randBytes(Math.floor(rnd() * 100)), esm_class: rnd() < 0.3 ? 0x40 : 0 }));
      const cut = 16 + Math.floor(rnd() * (full.length - 16));
      return { kind: 'truncated', pdu: withLength(Buffer.from(full.subarray(0, cut))) };
    }
    case 2: {
      const id = KNOWN[Math.floor(rnd() * KNOWN.length)]!;
      return { kind: 'random-body', pdu: withLength(Buffer.concat([header(0, id, seq, rnd() < 0.2 ? Math.floor(rnd() * 256) : 0), randBytes(Math.floor(rnd() * 200))])) };
    }
    case 3: {
      const id = [0x01, 0x02, 0x09, 0x04, 0x03, 0x103][Math.floor(rnd() * 6)]!;
      const body = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => 1 + Math.floor(rnd() * 255)));
      return { kind: 'no-nul', pdu: withLength(Buffer.concat([header(0, id, seq), body])) };
    }
    case 4: {
      const choices = [
        () => bindPdu('transceiver', seq, 'fuzz', 'x'),
        () => encodePdu('deliver_sm', seq, submitFields({ short_message: Buffer.from('x') })),
        () => encodePdu('submit_sm', seq, submitFields({ short_message: Buffer.from('before bind?') })),
        () => encodePdu('data_sm', seq, { service_type: '', source_addr_ton: 1, source_addr_npi: 1, source_addr: '1', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: FUZZ_DEST, esm_class: 0, registered_delivery: 0, data_coding: 0 }),
        () => encodePdu('outbind', seq, { system_id: 'a', password: 'b' }),
        () => encodePdu('alert_notification', seq, { source_addr_ton: 0, source_addr_npi: 0, source_addr: '1', esme_addr_ton: 0, esme_addr_npi: 0, esme_addr: '2' }),
        () => encodePdu('deliver_sm_resp', seq, { message_id: '' }),
        () => encodePdu('query_sm', seq, { message_id: String(Math.floor(rnd() * 1e9)), source_addr_ton: 0, source_addr_npi: 0, source_addr: '' }),
        () => encodePdu('cancel_sm', seq, { service_type: '', message_id: '1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' }),
        () => encodePdu('unbind_resp', seq, {}),
        () => header(16, 0x15, seq), // enquire_link: fine when bound, refused before bind
      ];
      return { kind: 'wrong-state', pdu: choices[Math.floor(rnd() * choices.length)]!() };
    }
    case 5: {
      const base = encodePdu('submit_sm', seq, submitFields({ short_message: Buffer.from('t') }));
      const tails = [randBytes(1 + Math.floor(rnd() * 3)), Buffer.from('0424ffff', 'hex'), Buffer.from('020e00020101', 'hex'), Buffer.from('001e000141', 'hex'), Buffer.from('020c0002ffff020e0001', 'hex'), randBytes(4 + Math.floor(rnd() * 20))];
      return { kind: 'bad-tlv', pdu: withLength(Buffer.concat([base, tails[Math.floor(rnd() * tails.length)]!])) };
    }
    case 6: {
      // Binds with wrong credentials, over-long fields, or an unknown account.
      const kinds = ['transmitter', 'receiver', 'transceiver'] as const;
      const k = kinds[Math.floor(rnd() * 3)]!;
      const choices = [
        () => bindPdu(k, seq, 'fuzz', 'wrong'),
        () => bindPdu(k, seq, 'nobody', 'x'),
        () => bindPdu(k, seq, '1', 'guess'),
        () => bindPdu(k, seq, '199', 'secret'),
        () => withLength(Buffer.concat([header(0, 0x09, seq), Buffer.from('a'.repeat(40) + '\0x\0\0', 'latin1'), Buffer.from([0x34, 0, 0, 0])])),
      ];
      return { kind: 'bad-bind', pdu: choices[Math.floor(rnd() * choices.length)]!() };
    }
    default: {
      // Well-framed submits with values the SMSC must refuse: data_coding, odd UCS2, octets > 0x7F,
      // bad times, sm_default_msg_id, UDHI without a UDH, sm_length past the end, empty destination.
      const choices = [
        () => encodePdu('submit_sm', seq, submitFields({ data_coding: [1, 3, 4, 0xf0, 0x11][Math.floor(rnd() * 5)]!, short_message: Buffer.from('dcs') })),
        () => encodePdu('submit_sm', seq, submitFields({ data_coding: 8, short_message: Buffer.from([0x00, 0x41, 0x00]) })),
        () => encodePdu('submit_sm', seq, submitFields({ data_coding: 0, short_message: Buffer.from([0x80, 0xff, 0x41]) })),
        () => encodePdu('submit_sm', seq, submitFields({ validity_period: '991332256199000-', short_message: Buffer.from('vp') })),
        () => encodePdu('submit_sm', seq, submitFields({ schedule_delivery_time: 'garbage', short_message: Buffer.from('sched') })),
        () => encodePdu('submit_sm', seq, submitFields({ sm_default_msg_id: 3, short_message: Buffer.from('canned') })),
        () => encodePdu('submit_sm', seq, submitFields({ esm_class: 0x40, short_message: Buffer.from([0x09, 0x00, 0x03]) })),
        () => encodePdu('submit_sm', seq, submitFields({ destination_addr: '', short_message: Buffer.from('nobody') })),
        () => {
          const b = encodePdu('submit_sm', seq, submitFields({ short_message: Buffer.from('length') }));
          b[b.length - 7] = 0xfe; // sm_length claims 254 octets
          return b;
        },
      ];
      return { kind: 'bad-field', pdu: choices[Math.floor(rnd() * choices.length)]!() };
    }
  }
}

/** Something that breaks framing. */
export function fatal(rnd: () => number, seq: number): Buffer {
  const pick = Math.floor(rnd() * 3);
  if (pick === 0) return header(Math.floor(rnd() * 16), 0x04, seq);
  if (pick === 1) return Buffer.concat([header(70_001 + Math.floor(rnd() * 30_000), 0x04, seq), Buffer.alloc(64)]);
  const n = 4 + Math.floor(rnd() * 64);
  const b = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  b.writeUInt32BE(100_000, 0); // a header claiming 100000 octets
  return b;
}
