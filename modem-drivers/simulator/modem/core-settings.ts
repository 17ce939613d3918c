/**
 * What a simulated modem keeps between commands and puts back on power-on, ATZ and AT&F, and what the
 * port side provides to its core (modem-core.ts and its parts).
 */
import type { Charset } from './charset.js';
import type { DialectProfile } from './dialect.js';

export type SlotId = 'A' | 'B' | 'C' | 'D';
export const SLOT_IDS: readonly SlotId[] = ['A', 'B', 'C', 'D'];

export type PinState = 'READY' | 'SIM PIN' | 'SIM PUK' | 'NOT INSERTED' | 'SIM FAILURE';
export type MemName = 'SM' | 'ME' | 'MT' | 'SR';

/** Settings a power-on, ATZ or AT&F put back (V.250 §6.1.1, §6.1.2). */
export interface Settings {
  echo: boolean;
  verbose: boolean;
  quiet: boolean;
  cmee: 0 | 1 | 2;
  cscs: Charset;
  cmgf: 0 | 1;
  csms: 0 | 1;
  /** +CNMI <mode>,<mt>,<bm>,<ds>,<bfr> (TS 27.005 §3.4.1). */
  cnmi: [number, number, number, number, number];
  /** +CPMS <mem1>,<mem2>,<mem3>. */
  cpms: [MemName, MemName, MemName];
  creg: 0 | 1 | 2;
  cgreg: 0 | 1 | 2;
  cereg: 0 | 1 | 2;
  copsFormat: 0 | 1 | 2;
  clip: 0 | 1;
  /** The firmware's DTMF detection (Quectel AT+QTONEDET, SIMCom AT+DDET): off at power-on. */
  dtmfDetect: boolean;
  /** +CCWA <n> (TS 27.007 §7.12): show +CCWA for a waiting call. */
  ccwa: 0 | 1;
  cusd: 0 | 1;
  cireg: 0 | 1 | 2;
  /** S-registers (V.250 §6.2): S0 auto-answer rings, S3 CR, S4 LF, S5 BS, S7 connection wait. */
  sregs: Map<number, number>;
  /** +QINDCFG URCs (Quectel); "ccinfo" is set on its own ("all" leaves it as it is). */
  qind: { csq: boolean; act: boolean; smsfull: boolean; ccinfo: boolean };
}

export function defaultSettings(p: DialectProfile): Settings {
  return {
    echo: true,
    verbose: true,
    quiet: false,
    cmee: p.defaults.cmee,
    cscs: p.defaults.cscs,
    cmgf: 0,
    csms: 0,
    cnmi: [2, 1, 0, 0, 0],
    cpms: ['SM', 'SM', 'SM'],
    creg: 0,
    cgreg: 0,
    cereg: 0,
    copsFormat: 0,
    clip: 0,
    dtmfDetect: false,
    ccwa: 0,
    cusd: 0,
    cireg: 0,
    sregs: new Map([
      [0, 0],
      [3, 13],
      [4, 10],
      [5, 8],
      [6, 2],
      [7, 50],
      [8, 2],
      [10, 15],
    ]),
    qind: { csq: false, act: false, smsfull: false, ccinfo: false },
  };
}

/** What the port side provides to the core. */
export interface CoreHost {
  /** Writes one unsolicited result (a unit of lines) now or once the current command is done. */
  urc(lines: string[]): void;
  /** Restarts the modem (AT+CFUN=1,1). */
  reboot(): void;
  /** SIM slot switch through AT (the dual-SIM command below). */
  selectSlot(slot: SlotId): void;
  readonly slot: SlotId;
  /** Extended command name of the firmware's dual-SIM switch (`+QDSIM` on the EC25), or null for none. */
  readonly dualSimCommand: string | null;
}
