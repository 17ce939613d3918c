/**
 * The part of `smpp@0.5.1` (no bundled types) that cellgate uses: the PDU codec and its tables
 * (lib/pdu.js, lib/defs.js), and the client session that tests use as a well-behaved ESME (lib/smpp.js).
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';

  export interface ParamType {
    read(buffer: Buffer, offset: number, length?: number): unknown;
    write(value: unknown, buffer: Buffer, offset: number): void;
    size(value: unknown): number;
    default: unknown;
  }

  export interface CommandDef {
    id: number;
    command: string;
    params?: Record<string, { type: ParamType; default?: unknown; filter?: unknown }>;
    tlvMap?: Record<string, string>;
  }

  export interface TlvDef {
    id: number;
    tag: string;
    type: ParamType;
    multiple?: boolean;
    filter?: unknown;
  }

  export interface PduInstance {
    command: string;
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PduInstance;
    toBuffer(): Buffer;
    fromBuffer(buffer: Buffer): void;
    _filter(func: 'encode' | 'decode'): void;
  }

  export interface PduConstructor {
    new (command: string, options?: Record<string, unknown>): PduInstance;
    new (buffer: Buffer): PduInstance;
    prototype: PduInstance;
    maxLength: number;
    fromBuffer(buffer: Buffer): PduInstance | false;
  }

  export interface Session extends EventEmitter {
    socket: import('node:net').Socket;
    send(pdu: PduInstance, responseCallback?: (pdu: PduInstance) => void, sendCallback?: (pdu: PduInstance) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    [command: string]: unknown;
  }

  export interface Types {
    int8: ParamType;
    int16: ParamType;
    int32: ParamType;
    string: ParamType;
    cstring: ParamType;
    buffer: ParamType;
    dest_address_array: ParamType;
    unsuccess_sme_array: ParamType;
    tlv: { int8: ParamType; int16: ParamType; int32: ParamType; cstring: ParamType; string: ParamType; buffer: ParamType };
  }

  interface SmppModule {
    PDU: PduConstructor;
    commands: Record<string, CommandDef>;
    commandsById: Record<number, CommandDef>;
    tlvs: Record<string, TlvDef>;
    tlvsById: Record<number, TlvDef>;
    types: Types;
    errors: Record<string, number>;
    connect(options: { host?: string; port?: number; tls?: boolean; rejectUnauthorized?: boolean; [k: string]: unknown }, listener?: () => void): Session;
  }

  const smpp: SmppModule;
  export default smpp;
}
