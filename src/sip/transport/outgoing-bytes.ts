import { serializeSipMessage } from '../message/index.js';
import type { SipOutgoing } from './sip-transport.js';

/** The bytes to write for an outgoing message or buffer. */
export function outgoingBytes(data: SipOutgoing): Buffer {
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return serializeSipMessage(data);
}
