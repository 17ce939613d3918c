/** A decoded submit_sm / data_sm built from fields, and the session and clock the pure tests use. */
import assert from 'node:assert/strict';
import { decodePdu, encodePdu, type SmppPdu } from '../../../src/smpp/codec.js';
import type { SessionInfo } from '../../../src/smpp/types.js';
import { submitFields } from './raw-esme.js';

export const session: SessionInfo = { id: 's1', systemId: 'esme', mode: 'transceiver', remote: '127.0.0.1:1', account: null, interfaceVersion: 0x34, systemType: '' };
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

/** Encodes then decodes the PDU, as a bound session would receive it. */
export function submit(fields: Record<string, unknown>, command = 'submit_sm'): SmppPdu {
  const d = decodePdu(encodePdu(command, 1, command === 'submit_sm' ? submitFields(fields) : fields));
  assert.ok(d.ok, d.ok ? '' : d.reason);
  return d.pdu;
}
