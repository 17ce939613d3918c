/**
 * Quectel URCs, handled before the generic ones: start-up (+QIND: SMS DONE / PB DONE, +QUSIM, POWERED
 * DOWN), +QIND: "csq" signal reports, the +QHTTPGET result of the data check, and +CDSI announcing in
 * "SM" a status report the EC2x keeps in "SR", and +QTONEDET (a DTMF key the far end pressed).
 */
import type { Urc, UrcSpec } from '../../src/at/types.js';
import type { Signal } from '../types.js';
import type { ModemCore } from '../generic/modem-core.js';
import type { UrcHandler } from '../generic/urc-events.js';
import { parseMemIndex } from '../generic/parse.js';
import { classifyQind, parseQtonedet } from './parse.js';

export const QUECTEL_URCS: readonly UrcSpec[] = [
  { prefix: '+QIND:' },
  { prefix: '+QUSIM:' },
  { prefix: 'POWERED DOWN' },
  { prefix: '+QHTTPGET:' },
  { prefix: '+QTONEDET:' },
];

/** What the Quectel URCs keep for later reading. */
export interface QuectelUrcState {
  /** The last +QIND: "csq" report (only sent after AT+QINDCFG="csq",1), else null. */
  lastSignal: Signal | null;
}

/** `reportsInSr`: whether a report announced in "SM" is kept in "SR" (asked per URC: the answer can change once AT+CPMS=? is known). */
export function quectelUrcHandler(core: ModemCore, state: QuectelUrcState, reportsInSr: () => boolean): UrcHandler {
  const { events, startup, results } = core;
  const log = events.log;

  const qind = (line: string): boolean => {
    const q = classifyQind(line);
    switch (q.kind) {
      case 'sms-done':
        startup.record('sms-done');
        return true;
      case 'pb-done':
        startup.record('pb-done');
        return true;
      case 'csq':
        state.lastSignal = { rssi: q.rssi, ber: q.ber, dbm: q.rssi <= 31 ? -113 + 2 * q.rssi : null };
        return true;
      case 'act':
        log.debug({ act: q.act }, 'access technology changed');
        return true;
      case 'smsfull':
        log.warn({ storage: q.storage }, 'SMS storage full');
        return true;
      default:
        return false;
    }
  };

  return (urc: Urc): boolean => {
    const line = urc.line.trim();
    if (line.startsWith('+QIND:')) return qind(line);
    if (line.startsWith('+QUSIM:')) {
      // +QUSIM: 1 (USIM) / 0 (SIM) during start-up: nothing to act on.
      log.debug({ urc: line }, 'SIM type reported');
      return true;
    }
    if (line.startsWith('+QHTTPGET:')) {
      if (!results.take(line)) log.debug({ urc: line }, '+QHTTPGET with no check waiting (a check that timed out)');
      return true;
    }
    if (line.startsWith('+QTONEDET:')) {
      const key = parseQtonedet(line);
      if (key.ok) events.emit({ type: 'dtmf', key: key.value });
      else log.debug({ urc: line }, key.error);
      return true;
    }
    if (line === 'POWERED DOWN') {
      log.warn('modem reports POWERED DOWN');
      startup.poweredDown();
      return true;
    }
    if (line.startsWith('+CDSI:') && reportsInSr()) {
      const m = parseMemIndex(line, '+CDSI:');
      if (m.ok && m.value.mem.toUpperCase() === 'SM') {
        log.debug({ urc: line }, 'status report announced in "SM" but stored in "SR" (EC2x behaviour)');
        events.emit({ type: 'status-report-stored', mem: 'SR', index: m.value.index });
        return true;
      }
    }
    return false;
  };
}
