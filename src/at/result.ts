/**
 * Final result codes and information-line helpers (ITU-T V.250 §5.7; 3GPP TS 27.007 §9.2 for
 * +CME ERROR; 3GPP TS 27.005 §3.2.5 for +CMS ERROR). Pure.
 */
import type { FinalResult } from './types.js';

/** The final result a line represents, or null for information text / URCs. */
export function parseFinal(line: string): FinalResult | null {
  switch (line.charCodeAt(0)) {
    case 79: // O
      if (line === 'OK' || line.trimEnd() === 'OK') return OK;
      return null;
    case 69: // E
      if (line === 'ERROR' || line.trimEnd() === 'ERROR') return ERROR;
      return null;
    case 43: // +
      if (line.startsWith('+CME ERROR')) return { kind: 'CME ERROR', ...errorArg(line.slice(10)) };
      if (line.startsWith('+CMS ERROR')) return { kind: 'CMS ERROR', ...errorArg(line.slice(10)) };
      return null;
    case 78: // N
      if (line.startsWith('NO CARRIER')) return NO_CARRIER;
      if (line.startsWith('NO ANSWER')) return NO_ANSWER;
      if (line.startsWith('NO DIALTONE') || line.startsWith('NO DIAL TONE')) return NO_DIALTONE;
      return null;
    case 66: // B
      return line.trimEnd() === 'BUSY' ? BUSY : null;
    case 67: // C
      if (line === 'CONNECT') return { kind: 'CONNECT', text: '' };
      if (line.startsWith('CONNECT ')) return { kind: 'CONNECT', text: line.slice(8).trim() };
      return null;
    default:
      return null;
  }
}

const OK: FinalResult = { kind: 'OK' };
const ERROR: FinalResult = { kind: 'ERROR' };
const NO_CARRIER: FinalResult = { kind: 'NO CARRIER' };
const NO_ANSWER: FinalResult = { kind: 'NO ANSWER' };
const NO_DIALTONE: FinalResult = { kind: 'NO DIALTONE' };
const BUSY: FinalResult = { kind: 'BUSY' };

/** `: 10` → code 10; `: SIM not inserted` → text (AT+CMEE=2 verbose form). */
function errorArg(rest: string): { code: number | null; text: string | null } {
  const s = rest.replace(/^\s*:\s*/, '').trim();
  if (s === '') return { code: null, text: null };
  if (/^\d+$/.test(s)) return { code: Number(s), text: null };
  return { code: null, text: s };
}

/** Result kinds that always end a command. */
export function isAlwaysFinal(f: FinalResult): boolean {
  return f.kind === 'OK' || f.kind === 'ERROR' || f.kind === 'CME ERROR' || f.kind === 'CMS ERROR';
}
