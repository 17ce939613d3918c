/**
 * Quectel URCs, handled before the generic ones: start-up (+QIND: SMS DONE / PB DONE, +QUSIM, POWERED
 * DOWN), +QIND: "csq" signal reports, +QIND: "ccinfo" call state changes, the +QHTTPGET result of the
 * data check, +CDSI announcing in "SM" a status report the EC2x keeps in "SR", and +QTONEDET (a DTMF
 * key the far end pressed).
 *
 * `+QIND: "ccinfo"` (after AT+QINDCFG="ccinfo",1) reports one call's change with the fields of +CLCC. The
 * handler keeps the calls so reported and sends the whole list as 'call-state', as a +CLCC reading would:
 * the line learns that the called party answered when it happens, not at its next +CLCC poll. A released
 * call is dropped from the list; when none is left nothing is sent, because the final result code that
 * follows (NO CARRIER, BUSY, NO ANSWER; V.250 §5.7.1) ends the call with its reason, and an empty
 * 'call-state' before it would end the call without one. The +CLCC poll stays the fallback.
 */
import type { Urc, UrcSpec } from '../../src/at/types.js';
import type { Signal } from '../types.js';
import type { CcinfoCalls } from './ccinfo-calls.js';
import type { ModemCore } from '../generic/modem-core.js';
import type { UrcHandler } from '../generic/urc-events.js';
import { parseMemIndex } from '../generic/parse.js';
import { classifyQind, parseQtonedet, type CcinfoReport } from './parse.js';

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
export function quectelUrcHandler(core: ModemCore, state: QuectelUrcState, reportsInSr: () => boolean, calls: CcinfoCalls): UrcHandler {
  const { events, startup, results } = core;
  const log = events.log;
  events.onEvent((e) => {
    if (e.type === 'call-ended') calls.clear();
  });

  const callChanged = (report: CcinfoReport): void => {
    const list = calls.report(report);
    if (list !== undefined) events.emit({ type: 'call-state', calls: list });
  };

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
      case 'ccinfo':
        if (!q.report.ok) {
          log.warn({ error: q.report.error }, 'malformed URC');
          return false;
        }
        callChanged(q.report.value);
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
