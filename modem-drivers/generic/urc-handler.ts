/**
 * The TS 27.007 / 27.005 URCs every family understands, and the handler that turns them into events. It
 * is the last handler of every family's chain: vendor handlers see a line first.
 */
import type { Urc, UrcSpec } from '../../src/at/types.js';
import type { ModemEvent } from '../types.js';
import {
  checkPdu,
  numberWithType,
  parseCdsHeader,
  parseCcwaUrc,
  parseClip,
  parseCmtHeader,
  parseCpin,
  parseCusd,
  parseMemIndex,
  parseRegistration,
  regDomain,
} from './parse.js';
import type { StartupTracker } from './startup.js';
import type { ModemEvents, UrcHandler } from './urc-events.js';

/** URCs of TS 27.007 / 27.005 the generic handler turns into events. */
export const GENERIC_URCS: readonly UrcSpec[] = [
  { prefix: 'RING' },
  { prefix: '+CRING:' },
  { prefix: '+CLIP:' },
  // A waiting call (TS 27.007 §7.12); the status lines of AT+CCWA=<n>,2 are replies, never sent here.
  { prefix: '+CCWA:' },
  { prefix: 'NO CARRIER' },
  { prefix: 'BUSY' },
  { prefix: 'NO ANSWER' },
  { prefix: 'NO DIALTONE' },
  { prefix: '+CREG:' },
  { prefix: '+CGREG:' },
  { prefix: '+CEREG:' },
  { prefix: '+CMTI:' },
  { prefix: '+CMT:', pduFollows: true },
  { prefix: '+CDS:', pduFollows: true },
  { prefix: '+CDSI:' },
  { prefix: '+CUSD:' },
  { prefix: '+CPIN:' },
  // Boot URC of Qualcomm-based modules (Quectel EC2x, SIMCom SIM7600): the AT interface is up.
  { prefix: 'RDY' },
];

type EndReason = Extract<ModemEvent, { type: 'call-ended' }>['reason'];

export function genericUrcHandler(events: ModemEvents, startup: StartupTracker): UrcHandler {
  const emit = (e: ModemEvent): true => {
    events.emit(e);
    return true;
  };
  const callEnded = (reason: EndReason): true => emit({ type: 'call-ended', reason });
  const malformed = (r: { ok: false; error: string }): false => {
    events.log.warn({ error: r.error }, 'malformed URC');
    return false;
  };

  return (urc: Urc): boolean => {
    const line = urc.line.trim();
    if (line === 'RDY') {
      startup.record('rdy');
      return true;
    }
    // TS 27.007 §6.11: +CRING: <type> replaces RING when +CRC=1.
    if (line === 'RING' || line.startsWith('+CRING:')) return emit({ type: 'ring' });
    if (line.startsWith('NO CARRIER')) return callEnded('NO CARRIER');
    if (line === 'BUSY') return callEnded('BUSY');
    if (line.startsWith('NO ANSWER')) return callEnded('NO ANSWER');
    if (line.startsWith('NO DIALTONE') || line.startsWith('NO DIAL TONE')) return callEnded('NO DIALTONE');

    if (line.startsWith('+CLIP:')) {
      const c = parseClip(line);
      if (!c.ok) return malformed(c);
      return emit({ type: 'clip', number: numberWithType(c.value.number, c.value.numberType), numberType: c.value.numberType });
    }
    if (line.startsWith('+CCWA:')) {
      const w = parseCcwaUrc(line);
      if (!w.ok) return malformed(w);
      return emit({ type: 'call-waiting', number: numberWithType(w.value.number, w.value.numberType), numberType: w.value.numberType });
    }
    if (regDomain(line)) {
      // Unsolicited, so the URC form (TS 27.007 §7.2): no leading <n>.
      const r = parseRegistration(line, 'urc');
      if (!r.ok) return malformed(r);
      return emit({ type: 'registration', reg: r.value });
    }
    if (line.startsWith('+CMTI:') || line.startsWith('+CDSI:')) {
      const isReport = line.startsWith('+CDSI:');
      const m = parseMemIndex(line, isReport ? '+CDSI:' : '+CMTI:');
      if (!m.ok) return malformed(m);
      return emit({ type: isReport ? 'status-report-stored' : 'sms-stored', mem: m.value.mem, index: m.value.index });
    }
    if (line.startsWith('+CMT:')) {
      const h = parseCmtHeader(line);
      if (!h.ok) return malformed(h);
      const pdu = checkPdu(urc.body, h.value.length);
      if (!pdu.ok) return malformed(pdu);
      return emit({ type: 'sms-deliver', pdu: pdu.value, length: h.value.length });
    }
    if (line.startsWith('+CDS:')) {
      const h = parseCdsHeader(line);
      if (!h.ok) return malformed(h);
      const pdu = checkPdu(urc.body, h.value.length);
      if (!pdu.ok) return malformed(pdu);
      return emit({ type: 'status-report', pdu: pdu.value, length: h.value.length });
    }
    if (line.startsWith('+CUSD:')) {
      const u = parseCusd(line);
      if (!u.ok) return malformed(u);
      return emit({ type: 'ussd', m: u.value.m, str: u.value.str, dcs: u.value.dcs });
    }
    if (line.startsWith('+CPIN:')) {
      const s = parseCpin(line);
      if (!s.ok) return malformed(s);
      return emit({ type: 'sim-state', state: s.value });
    }
    return false;
  };
}
