/**
 * What distinguishes the two simulated modems, as data. Formats follow the transcripts in
 * fixtures/quectel/ec25 and fixtures/simcom/sim7600 (built from the vendors' AT manuals); where those say
 * nothing the choice is marked "guess" and listed in docs of the simulator's report.
 */
import type { Charset } from './charset.js';

export type Dialect = 'quectel-ec25' | 'simcom-sim7600';

export interface DialectProfile {
  dialect: Dialect;
  /** AT+CGMI / AT+GMI (bare line). */
  manufacturer: string;
  /** AT+CGMM / AT+GMM (bare line). */
  model: string;
  /** Firmware revision. */
  revision: string;
  /** AT+CGMR prints the revision with this prefix (SIM7600: "+CGMR: "). */
  cgmrPrefix: string;
  /** ATI / ATI0 lines. */
  ati(imei: string): string[];
  /** First boot URC (Quectel RDY); SIM7600's USB AT port shows none (fixtures/simcom/sim7600/startup.txt). */
  bootUrc: string | null;
  /** URCs once the SIM is initialised (after +CPIN: READY). */
  simReadyUrcs: readonly string[];
  /** Vendor ICCID command and its answer prefix. */
  iccidCommand: '+QCCID' | '+CICCID';
  iccidPrefix: '+QCCID:' | '+ICCID:';
  /** Message memory capacities (+CPMS totals). */
  capacity: { SM: number; ME: number; SR: number };
  /** +COPS? carries <AcT> (EC25) or not (the SIM7600 fixture). */
  copsAct: boolean;
  /** Memory named in +CDSI when a status report is stored in "SR" (EC25 says "SM", see quectel/modem.ts). */
  cdsiMem: 'SM' | 'SR';
  /** SIMCom VOICE CALL: BEGIN / END and MISSED_CALL lines. */
  voiceCallUrcs: boolean;
  /** Power-on defaults (guesses: neither manual's default table was available). */
  defaults: { cmee: 0 | 1 | 2; cscs: Charset };
  /** Vendor audio command: Quectel AT+QPCMV, SIMCom AT+CPCMREG. */
  audio: 'qpcmv' | 'cpcmreg';
  /** Vendor IMEI write: Quectel AT+EGMR, SIMCom AT+SIMEI. */
  imeiWrite: 'egmr' | 'simei';
  /**
   * Vendor dual-SIM command (docs/sim-switch.md): Quectel AT+QDSIM; none for the SIM7600, whose AT manual
   * documents none.
   */
  dualSimCommand: '+QDSIM' | null;
  /**
   * Vendor DTMF detection of the far end's keys during a call: Quectel AT+QTONEDET=1 → `+QTONEDET: <code>`
   * (the key's ASCII code), SIMCom AT+DDET=1 → `+RXDTMF: <key>`.
   */
  dtmfDetection: 'qtonedet' | 'ddet';
  /**
   * The PCM audio port (audio-port.ts): GNSS NMEA shares it until AT+QGPSCFG="outport","none" (EC25);
   * AT+CPCMFRM picks 8 or 16 kHz (SIM7600); the firmware's frame length (20 ms; 40 ms on some SIM7600
   * firmware, settable per modem).
   */
  pcm: { gnssOnAudioPort: boolean; rateCommand: '+CPCMFRM' | null; frameMs: 20 | 40 };
}

export const QUECTEL_EC25: DialectProfile = {
  dialect: 'quectel-ec25',
  manufacturer: 'Quectel',
  model: 'EC25',
  revision: 'EC25EFAR06A06M4G',
  cgmrPrefix: '',
  ati: () => ['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G'],
  bootUrc: 'RDY',
  simReadyUrcs: ['+QUSIM: 1', '+QIND: SMS DONE', '+QIND: PB DONE'],
  iccidCommand: '+QCCID',
  iccidPrefix: '+QCCID:',
  capacity: { SM: 50, ME: 255, SR: 50 },
  copsAct: true,
  cdsiMem: 'SM',
  voiceCallUrcs: false,
  defaults: { cmee: 1, cscs: 'GSM' },
  audio: 'qpcmv',
  imeiWrite: 'egmr',
  dualSimCommand: '+QDSIM',
  dtmfDetection: 'qtonedet',
  pcm: { gnssOnAudioPort: true, rateCommand: null, frameMs: 20 },
};

export const SIMCOM_SIM7600: DialectProfile = {
  dialect: 'simcom-sim7600',
  manufacturer: 'SIMCOM INCORPORATED',
  model: 'SIMCOM_SIM7600G-H',
  revision: 'LE20B04SIM7600G22',
  cgmrPrefix: '+CGMR: ',
  ati: (imei) => ['Manufacturer: SIMCOM INCORPORATED', 'Model: SIMCOM_SIM7600G-H', 'Revision: LE20B04SIM7600G22', `IMEI: ${imei}`, '+GCAP: +CGSM'],
  bootUrc: null,
  simReadyUrcs: ['SMS DONE', 'PB DONE'],
  iccidCommand: '+CICCID',
  iccidPrefix: '+ICCID:',
  capacity: { SM: 50, ME: 23, SR: 50 },
  copsAct: false,
  cdsiMem: 'SR',
  voiceCallUrcs: true,
  defaults: { cmee: 2, cscs: 'IRA' },
  audio: 'cpcmreg',
  imeiWrite: 'simei',
  dualSimCommand: null,
  dtmfDetection: 'ddet',
  pcm: { gnssOnAudioPort: false, rateCommand: '+CPCMFRM', frameMs: 20 },
};

export function dialectProfile(d: Dialect): DialectProfile {
  return d === 'quectel-ec25' ? QUECTEL_EC25 : SIMCOM_SIM7600;
}
