/**
 * A Quectel EC2x / EG2x / EG9x modem (EC20, EC21, EC25, EG25-G, EG91, EG95): the TS 27.007 / 27.005
 * capabilities with Quectel's queries plugged in, plus USB audio, IMEI writing and the data check.
 *
 * What differs from the baseline (sources in docs/modems.md):
 *  - ICCID: AT+QCCID first; VoLTE: AT+QCFG="ims"; operator name: AT+QSPN; access technology: AT+QNWINFO
 *    (./netreg.ts).
 *  - Call audio over USB: AT+QPCMV, gains, echo canceller (./audio.ts); IMEI: AT+EGMR (./imei.ts). Data check: AT+QHTTP* (./data-check.ts).
 *  - DTMF detection: AT+QTONEDET=1 → +QTONEDET: <ASCII code> (./dtmf.ts).
 *  - Start-up URCs: RDY (→ 'modem-ready'), +CPIN: READY (generic → 'sim-state'), +QUSIM: 1,
 *    +QIND: SMS DONE, +QIND: PB DONE (recorded in `startup`); +QIND: "csq",<rssi>,<ber> when enabled with
 *    AT+QINDCFG="csq",1 (recorded in `lastSignal`).
 *  - Call state: init() enables +QIND: "ccinfo" (./init-settings.ts), read into 'call-state' events so the
 *    answer of an outgoing call is known at once (`voicecall.reportsAnswer` says whether the module took it).
 *  - Status reports: with +CNMI <ds>=2 the EC25/EG25-G announce a stored SMS-STATUS-REPORT as
 *    `+CDSI: "SM",<n>` although it is kept in the separate "SR" memory, so AT+CMGR=<n> on "SM" returns
 *    nothing or an unrelated message (reported on EC25EFAR06A10M4G, EC25EFAR06A15M4G, EC25EFAR08A04M4G and
 *    EG25-G). The event therefore says mem "SR", and `statusReports` reads and deletes in "SR" (the read
 *    memory switched for the one command and back). Only when AT+CPMS=? lists "SR", though: firmware that
 *    does not list it refuses AT+CPMS="SR" and keeps reports where it says, so once `sms.memories()` has
 *    answered without "SR" the announced memory is kept, and the receiver never sweeps "SR".
 */
import { GenericCallWaiting } from '../generic/call-waiting.js';
import type { AtChannelApi } from '../../src/at/types.js';
import type { Modem, ModemOptions } from '../capabilities.js';
import type { Signal, StoredSms } from '../types.js';
import { genericParts, listenForUrcs, openCore, type GenericParts } from '../generic/modem-core.js';
import { runSettings } from '../generic/steps.js';
import type { GenericNetreg } from '../generic/netreg.js';
import type { ModemStartup } from '../generic/startup.js';
import { QuectelAudio } from './audio.js';
import { QuectelImei } from './imei.js';
import { QuectelDtmfDetection } from './dtmf.js';
import { QuectelDataCheck } from './data-check.js';
import { QUECTEL_CALL_URC_SETTINGS } from './init-settings.js';
import { QUECTEL_ICCID_STEPS, quectelNetregQueries, quectelNetworkInfo } from './netreg.js';
import type { QnwInfo } from './parse.js';
import { QUECTEL_URCS, quectelUrcHandler, type QuectelUrcState } from './urc-handler.js';
import { CcinfoCalls } from './ccinfo-calls.js';
import { QuectelVoiceCall } from './voicecall.js';

export interface QuectelModemOptions extends ModemOptions {
  /**
   * <port> of AT+QPCMV=1,<port>: 0 = PCM over the USB NMEA serial interface (default; what the gateway's
   * media bridge reads), 2 = USB audio class sound card.
   */
  usbAudioPort?: 0 | 2;
  /**
   * Read `+CDSI: "SM",<n>` as a report stored in "SR" (the EC25/EG25-G behaviour described above).
   * Default true; set false for firmware that announces the memory it really used.
   */
  statusReportInSr?: boolean;
}

export type QuectelModem = Modem &
  GenericParts & {
    readonly family: 'quectel';
    readonly netreg: GenericNetreg & { networkInfo(): Promise<QnwInfo | null> };
    readonly callWaiting: GenericCallWaiting;
    readonly audio: QuectelAudio;
    readonly imei: QuectelImei;
    readonly dataCheck: QuectelDataCheck;
    readonly dtmfDetection: QuectelDtmfDetection;
    /** Status reports in the "SR" memory (TS 27.005 §3.2.2 <mem1> = "SR", then AT+CMGR / AT+CMGD). */
    readonly statusReports: { read(index: number): Promise<StoredSms | null>; delete(index: number): Promise<void> };
    readonly startup: ModemStartup;
    /** The last +QIND: "csq" report, else null. */
    readonly lastSignal: Signal | null;
  };

export function openQuectelModem(channel: AtChannelApi, opts: QuectelModemOptions): QuectelModem {
  const usbAudioPort = opts.usbAudioPort === 2 ? 2 : 0;
  const statusReportInSr = opts.statusReportInSr !== false;
  const core = openCore(channel, opts.log);
  const state: QuectelUrcState = { lastSignal: null };
  const parts = genericParts(core, {
    iccidSteps: QUECTEL_ICCID_STEPS,
    netreg: quectelNetregQueries(core.at),
  });
  // Before the first AT+CPMS=? answer the memory is not known, and the EC25 behaviour is assumed.
  const reportsInSr = (): boolean => {
    const known = parts.sms.knownMemories;
    return statusReportInSr && (known === null || known.reports === 'SR');
  };
  const ccinfoCalls = new CcinfoCalls();
  const voicecall = new QuectelVoiceCall(core.at, ccinfoCalls);
  listenForUrcs(core, QUECTEL_URCS, [quectelUrcHandler(core, state, reportsInSr, ccinfoCalls)]);
  const { sms } = parts;
  return {
    ...parts,
    init: async () => {
      await parts.init();
      const skipped = await runSettings(core.at.channel, QUECTEL_CALL_URC_SETTINGS);
      voicecall.reportsAnswer = skipped.length === 0;
      if (skipped.length > 0) core.at.log.info({ skipped }, 'no call state URCs: the answer of a call is learnt by polling +CLCC');
    },
    voicecall,
    family: 'quectel',
    netreg: Object.assign(parts.netreg, { networkInfo: () => quectelNetworkInfo(core.at) }),
    audio: new QuectelAudio(core.at, usbAudioPort),
    callWaiting: new GenericCallWaiting(core.at),
    imei: new QuectelImei(core.at),
    dataCheck: new QuectelDataCheck(core.at, core.results),
    dtmfDetection: new QuectelDtmfDetection(core.at),
    statusReports: { read: (index) => sms.read(index, 'SR'), delete: (index) => sms.delete(index, 'SR') },
    startup: core.startup.state,
    get lastSignal() {
      return state.lastSignal;
    },
  };
}
