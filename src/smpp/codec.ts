/**
 * Decoding and encoding of single, complete SMPP 3.4 PDUs. The `smpp` package's codec reads the fields
 * (lib/pdu.js, lib/defs.js), but it is lenient to the point of being wrong: a body that ends early is
 * read as far as it goes, a C-Octet String without its NULL runs to the end of the buffer, an sm_length
 * past the end is silently cut, and a TLV cut short throws a RangeError. So every request body is
 * walked here first against the library's own parameter tables; only a body that holds together is
 * handed to the library, inside try/catch. Nothing in this file throws on bad input.
 *
 * The library's decode filters (text decoding by data_coding, relative-time conversion) are not applied:
 * short_message and message_payload stay raw octets and time fields stay strings, for message.ts.
 */
import smpp, { type ParamType, type PduInstance } from 'smpp';
import { CommandId, RESPONSE_BIT, Status } from './status.js';
import { HEADER_LENGTH } from './framer.js';

const { PDU, commands, commandsById, tlvsById, types } = smpp;

/** A decoded PDU: the header fields plus the body fields under their SMPP 3.4 names (TLVs by tag name). */
export interface SmppPdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  [field: string]: unknown;
}

export type DecodeResult =
  | { ok: true; pdu: SmppPdu }
  | {
      ok: false;
      /** command_status to answer with. */
      status: number;
      reason: string;
      /**
       * How to answer (§4.3): 'generic_nack' for an unknown command_id or a request that has no response
       * PDU; 'response' for the command's own _resp; 'none' for a broken response PDU (responses are
       * never answered).
       */
      reply: 'generic_nack' | 'response' | 'none';
      commandId: number;
      sequence: number;
      /** The command's name when the command_id is known. */
      command: string | null;
    };

/**
 * Command ids of SMPP 3.4 (§5.1.2). The library also knows the broadcast operations of SMPP 5.0
 * (0x111-0x113); for a 3.4 SMSC they are unknown command ids.
 */
const SMPP34_REQUESTS = new Set<number>(Object.values(CommandId).filter((id) => id !== CommandId.generic_nack));

/** §3.1 / §5.1.2: whether `commandId` names an SMPP 3.4 PDU (request, response or generic_nack). */
export function isKnownCommandId(commandId: number): boolean {
  if (commandId === CommandId.generic_nack) return true;
  if (commandId & RESPONSE_BIT) {
    const req = (commandId & ~RESPONSE_BIT) >>> 0;
    // outbind and alert_notification have no response PDU.
    return SMPP34_REQUESTS.has(req) && req !== CommandId.outbind && req !== CommandId.alert_notification;
  }
  return SMPP34_REQUESTS.has(commandId);
}

/** Requests without a response PDU (§4.1.7 outbind, §4.12.1 alert_notification). */
export function hasResponse(commandId: number): boolean {
  return commandId !== CommandId.outbind && commandId !== CommandId.alert_notification && !(commandId & RESPONSE_BIT);
}

class BodyError {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

/**
 * Walks a request body against the library's parameter table and TLV table and throws BodyError where
 * it does not hold together. Returns nothing: the library then reads the same octets.
 */
function checkBody(buf: Buffer, command: string): void {
  const end = buf.length;
  let off = HEADER_LENGTH;
  const params = commands[command]?.params ?? {};
  const need = (n: number, name: string): void => {
    if (off + n > end) {
      // §4 (each PDU's table): every mandatory parameter is present. A body that ends before one of them
      // does not match its command_length: ESME_RINVMSGLEN.
      throw new BodyError(Status.ESME_RINVMSGLEN, `${command}: body ends before mandatory parameter ${name} (offset ${off - HEADER_LENGTH} of ${end - HEADER_LENGTH})`);
    }
  };
  const cstring = (name: string): void => {
    need(1, name);
    const nul = buf.indexOf(0, off);
    if (nul < 0 || nul >= end) {
      // §3.1: a C-Octet String is terminated by a NULL octet.
      throw new BodyError(Status.ESME_RINVMSGLEN, `${command}: C-Octet String ${name} has no terminating NULL`);
    }
    off = nul + 1;
  };
  for (const [name, def] of Object.entries(params)) {
    const t: ParamType = def.type;
    if (t === types.int8) {
      need(1, name);
      off += 1;
    } else if (t === types.int16) {
      need(2, name);
      off += 2;
    } else if (t === types.int32) {
      need(4, name);
      off += 4;
    } else if (t === types.cstring) {
      cstring(name);
    } else if (t === types.buffer || t === types.string) {
      // short_message: sm_length (1 octet) then that many octets (§4.4.1, §5.2.21).
      need(1, `${name} length`);
      const len = buf[off]!;
      off += 1;
      if (off + len > end) {
        throw new BodyError(Status.ESME_RINVMSGLEN, `${command}: sm_length ${len} runs past the end of the PDU (${end - off} octets left)`);
      }
      off += len;
    } else if (t === types.dest_address_array) {
      // §4.5.1.1 submit_multi: number_of_dests, then per destination a dest_flag (1 SME address, 2 list name).
      need(1, 'number_of_dests');
      const n = buf[off]!;
      off += 1;
      for (let i = 0; i < n; i++) {
        need(1, 'dest_flag');
        const flag = buf[off]!;
        off += 1;
        if (flag === 1) {
          need(2, 'dest_addr_ton/npi');
          off += 2;
          cstring('destination_addr');
        } else if (flag === 2) {
          cstring('dl_name');
        } else {
          throw new BodyError(Status.ESME_RINVDESTFLAG, `${command}: dest_flag ${flag} is neither 1 (SME address) nor 2 (distribution list)`);
        }
      }
    } else {
      throw new BodyError(Status.ESME_RSYSERR, `${command}: no check for the type of parameter ${name}`);
    }
  }
  // §3.2 / §5.3: the optional part is a sequence of TLVs (tag 2, length 2, value), up to command_length.
  while (off < end) {
    if (off + 4 > end) {
      throw new BodyError(Status.ESME_RINVOPTPARSTREAM, `${command}: ${end - off} stray octet(s) after the last parameter`);
    }
    const tag = buf.readUInt16BE(off);
    const len = buf.readUInt16BE(off + 2);
    off += 4;
    if (off + len > end) {
      throw new BodyError(Status.ESME_RINVOPTPARSTREAM, `${command}: TLV 0x${tag.toString(16).padStart(4, '0')} length ${len} runs past the end of the PDU`);
    }
    const def = tlvsById[tag];
    if (def) {
      const fixed = def.type === types.tlv.int8 ? 1 : def.type === types.tlv.int16 ? 2 : def.type === types.tlv.int32 ? 4 : null;
      if (fixed !== null && len !== fixed) {
        throw new BodyError(Status.ESME_RINVPARLEN, `${command}: TLV ${def.tag} has length ${len}, expected ${fixed}`);
      }
      if (def.type === types.tlv.cstring && (len === 0 || buf[off + len - 1] !== 0)) {
        throw new BodyError(Status.ESME_RINVPARLEN, `${command}: TLV ${def.tag} is not a NULL-terminated C-Octet String`);
      }
    }
    // §5.3: an unknown TLV is ignored (the library keeps it under its numeric tag).
    off += len;
  }
}

/** Reads `buf` with the library, without its decode filters. Throws what the library throws. */
function libraryRead(buf: Buffer): PduInstance {
  const pdu = Object.create(PDU.prototype) as PduInstance;
  // Own no-op filter: short_message / message_payload stay octets, times stay strings.
  Object.defineProperty(pdu, '_filter', { value: () => undefined, enumerable: false });
  const saved = PDU.maxLength;
  // The framer has already enforced our own limit; the library's (16384) must not cut it shorter.
  PDU.maxLength = Math.max(saved, buf.length);
  try {
    pdu.fromBuffer(buf);
  } finally {
    PDU.maxLength = saved;
  }
  return pdu;
}

function headerOnly(buf: Buffer, command: string): SmppPdu {
  return {
    command,
    command_id: buf.readUInt32BE(4),
    command_status: buf.readUInt32BE(8),
    sequence_number: buf.readUInt32BE(12),
  };
}

/**
 * Decodes one complete PDU (as produced by PduFramer: at least 16 octets, command_length = length).
 * Never throws.
 */
export function decodePdu(buf: Buffer): DecodeResult {
  if (buf.length < HEADER_LENGTH || buf.readUInt32BE(0) !== buf.length) {
    return {
      ok: false,
      status: Status.ESME_RINVCMDLEN,
      reason: `buffer of ${buf.length} octets does not hold one PDU`,
      reply: 'generic_nack',
      commandId: buf.length >= 8 ? buf.readUInt32BE(4) : 0,
      sequence: buf.length >= 16 ? buf.readUInt32BE(12) : 0,
      command: null,
    };
  }
  const commandId = buf.readUInt32BE(4);
  const sequence = buf.readUInt32BE(12);
  const def = commandsById[commandId];
  if (!def || !isKnownCommandId(commandId)) {
    // §4.3: an unknown or invalid command_id is answered with generic_nack ESME_RINVCMDID.
    return {
      ok: false,
      status: Status.ESME_RINVCMDID,
      reason: `unknown command_id 0x${commandId.toString(16).padStart(8, '0')}`,
      reply: 'generic_nack',
      commandId,
      sequence,
      command: null,
    };
  }
  const command = def.command;
  const isResponse = (commandId & RESPONSE_BIT) !== 0;
  if (isResponse) {
    // Responses are read leniently: many ESMEs send deliver_sm_resp with no body at all, and an error
    // response carries no body (an error response has no body; SMPP 5.0 made this explicit).
    if (buf.length === HEADER_LENGTH || buf.readUInt32BE(8) !== 0) return { ok: true, pdu: headerOnly(buf, command) };
    try {
      return { ok: true, pdu: toPlain(libraryRead(buf)) };
    } catch {
      return { ok: true, pdu: headerOnly(buf, command) };
    }
  }
  try {
    checkBody(buf, command);
  } catch (e) {
    if (e instanceof BodyError) {
      return { ok: false, status: e.status, reason: e.reason, reply: hasResponse(commandId) ? 'response' : 'generic_nack', commandId, sequence, command };
    }
    return { ok: false, status: Status.ESME_RSYSERR, reason: `${command}: ${String(e)}`, reply: hasResponse(commandId) ? 'response' : 'generic_nack', commandId, sequence, command };
  }
  try {
    return { ok: true, pdu: toPlain(libraryRead(buf)) };
  } catch (e) {
    // The body passed our walk but the library still failed: a fault on our side (§5.1.3 ESME_RSYSERR).
    return {
      ok: false,
      status: Status.ESME_RSYSERR,
      reason: `${command}: the PDU codec failed: ${e instanceof Error ? e.message : String(e)}`,
      reply: hasResponse(commandId) ? 'response' : 'generic_nack',
      commandId,
      sequence,
      command,
    };
  }
}

function toPlain(pdu: PduInstance): SmppPdu {
  const out: SmppPdu = { command: pdu.command, command_id: pdu.command_id, command_status: pdu.command_status, sequence_number: pdu.sequence_number };
  for (const key of Object.keys(pdu)) {
    if (key === 'command_length' || key in out) continue;
    out[key] = pdu[key];
  }
  return out;
}

/**
 * Encodes a PDU with the library. `fields` are the body parameters and TLVs by name; a non-zero
 * `status` gives a header-only PDU (no body in error responses). Throws only on a programming error (an unknown command
 * name or a field value of the wrong type): the caller treats that as a session fault.
 */
export function encodePdu(command: string, sequence: number, fields: Record<string, unknown> = {}, status = 0): Buffer {
  if (!commands[command]) throw new Error(`encodePdu: unknown command ${command}`);
  const pdu = new PDU(command, { ...fields, sequence_number: sequence, command_status: status });
  return pdu.toBuffer();
}

/** The response to a request: `<command>_resp`, or generic_nack for a request without one (§4.3). */
export function encodeResponse(requestCommandId: number, sequence: number, status: number, fields: Record<string, unknown> = {}): Buffer {
  const def = commandsById[requestCommandId];
  if (!def || !hasResponse(requestCommandId) || !commands[`${def.command}_resp`]) return encodeGenericNack(sequence, status);
  return encodePdu(`${def.command}_resp`, sequence, status === 0 ? fields : {}, status);
}

/** §4.3 generic_nack: a header with the error status and the offending PDU's sequence_number. */
export function encodeGenericNack(sequence: number, status: number): Buffer {
  const b = Buffer.alloc(HEADER_LENGTH);
  b.writeUInt32BE(HEADER_LENGTH, 0);
  b.writeUInt32BE(CommandId.generic_nack, 4);
  b.writeUInt32BE(status >>> 0, 8);
  b.writeUInt32BE(sequence >>> 0, 12);
  return b;
}
