/**
 * Quectel EC2x / EG2x / EG9x (EC20, EC21, EC25, EG25-G, EG91, EG95) driver: the TS 27.007 / 27.005
 * baseline plus what these modules do differently. Everything not overridden here is GenericDriver.
 *
 * What differs (sources in docs/modems.md):
 *  - ICCID: AT+QCCID → `+QCCID: <iccid>` (EC25&EC21 AT Commands Manual V1.3 §5.7), before the generic
 *    fallbacks.
 *  - VoLTE: AT+QCFG="ims" → `+QCFG: "ims",<value>,<VoLTE_state>`; the second field says whether VoLTE is
 *    ready. Firmware answering without it falls back to the generic AT+CIREG?.
 *  - Operator name: AT+QSPN (§6.10) instead of switching the +COPS format twice; access technology from
 *    AT+QNWINFO (§6.9) when +COPS? reported none.
 *  - Call audio over USB: AT+QPCMV=1,<port> ("Voice over USB and UAC" application note). Port 0 sends
 *    8 kHz 16-bit mono PCM over the USB NMEA interface (interface 1, usually ttyUSB1), 2 uses the USB audio
 *    class sound card (needs AT+QCFG="usbcfg" with UAC enabled); 1 (reportedly the UART) is not
 *    used. Not kept across restarts.
 *  - IMEI: AT+EGMR=1,7,"<imei>" writes, AT+EGMR=0,7 reads back (`+EGMR: "<imei>"`).
 *  - Start-up URCs: RDY (→ 'modem-ready'), +CPIN: READY (generic → 'sim-state'), +QUSIM: 1,
 *    +QIND: SMS DONE, +QIND: PB DONE (recorded in `startup`); +QIND: "csq",<rssi>,<ber> when enabled with
 *    AT+QINDCFG="csq",1 (recorded in `lastSignal`).
 *  - Status reports: with +CNMI <ds>=2 the EC25/EG25-G announce a stored SMS-STATUS-REPORT as
 *    `+CDSI: "SM",<n>` although it is kept in the separate "SR" memory, so AT+CMGR=<n> on "SM" returns
 *    nothing or an unrelated message (reported on EC25EFAR06A10M4G, EC25EFAR06A15M4G, EC25EFAR08A04M4G and
 *    EG25-G). The event therefore says mem "SR", and readStatusReport()/deleteStatusReport() switch the
 *    read memory to "SR" for the one command and back (the generic `inMemory`); `smsMemories()` names "SR"
 *    as the report memory so the receiver sweeps it.
 *  - Data connectivity check (httpCheck): PDP context 1 set with AT+QICSGP (when an APN is given) and
 *    activated with AT+QIACT=1 unless AT+QIACT? lists it; AT+QHTTPCFG="contextid",1; the URL uploaded with
 *    AT+QHTTPURL (CONNECT, the URL bytes, OK); AT+QHTTPGET=<seconds> answers OK and later the URC
 *    `+QHTTPGET: <err>[,<status>[,<length>]]`. Error codes and sources in ./http.ts.
 */
import { firstOf, type SeqStep } from '../../src/at/sequence.js';
import type { AtChannelApi, AtCommand, Urc, UrcSpec } from '../../src/at/types.js';
import { HttpCheckError, type DriverOptions, type Family, type HttpCheckFailure, type HttpCheckOptions, type HttpCheckResult, type OperatorInfo, type Signal, type SmsMemories, type StoredSms } from '../types.js';
import { firstValue, GenericDriver, type ModemStartup } from '../generic/generic-driver.js';
import { InvalidArgumentError, ModemResponseError } from '../generic/errors.js';
import { parseMemIndex } from '../generic/parse.js';
import { describeFinal } from '../generic/error-codes.js';
import {
  checkHttpRequest,
  describeQuectelHttpError,
  parseQhttpget,
  parseQiact,
  quectelHttpFailure,
  QUECTEL_URL_MAX,
  type QhttpgetResult,
} from './http.js';
import { classifyQind, imeiProblem, parseEgmrImei, parseQccid, parseQcfgIms, parseQnwinfo, parseQspn, type QnwInfo } from './parse.js';

export interface QuectelDriverOptions extends DriverOptions {
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

/** Start-up progress (RDY, +QIND: SMS DONE, +QIND: PB DONE). */
export type QuectelStartup = ModemStartup;

export const QUECTEL_URCS: readonly UrcSpec[] = [
  { prefix: '+QIND:' },
  { prefix: '+QUSIM:' },
  { prefix: 'POWERED DOWN' },
  { prefix: '+QHTTPGET:' },
];

const QUECTEL_TIMEOUTS = {
  /** AT+EGMR writes NV memory. */
  imeiWrite: 10_000,
  /** AT+QPCMV sets up the PCM path. */
  usbAudio: 5_000,
  /** <timeout> of AT+QHTTPURL: the URL bytes follow CONNECT at once. */
  urlInputSeconds: 10,
  /** Extra wait for +QHTTPGET beyond the modem's own <rsptime>, so its error code arrives before ours. */
  urcSlackMs: 5_000,
};

export class QuectelDriver extends GenericDriver {
  override readonly family: Family = 'quectel';
  /** The last +QIND: "csq" report (only sent after AT+QINDCFG="csq",1), else null. */
  lastSignal: Signal | null = null;
  private readonly usbAudioPort: 0 | 2;
  private readonly statusReportInSr: boolean;
  /** The check waiting for its +QHTTPGET URC. */

  constructor(channel: AtChannelApi, opts: QuectelDriverOptions) {
    super(channel, opts);
    this.usbAudioPort = opts.usbAudioPort ?? 0;
    this.statusReportInSr = opts.statusReportInSr ?? true;
  }

  // ------------------------------------------------------------------------------------------------------
  // URCs

  protected override urcSpecs(): UrcSpec[] {
    return [...super.urcSpecs(), ...QUECTEL_URCS];
  }

  protected override handleUrc(urc: Urc): boolean {
    const line = urc.line.trim();
    if (line.startsWith('+QIND:')) return this.qind(line);
    if (line.startsWith('+QUSIM:')) {
      // +QUSIM: 1 (USIM) / 0 (SIM) during start-up: nothing to act on.
      this.log.debug({ urc: line }, 'SIM type reported');
      return true;
    }
    if (line.startsWith('+QHTTPGET:')) {
      if (!this.resultUrc(line)) this.log.debug({ urc: line }, '+QHTTPGET with no check waiting (a check that timed out)');
      return true;
    }
    if (line === 'POWERED DOWN') {
      this.log.warn('modem reports POWERED DOWN');
      this.startup.rdy = false;
      return true;
    }
    if (line.startsWith('+CDSI:') && this.statusReportInSr) {
      const m = parseMemIndex(line, '+CDSI:');
      if (m.ok && m.value.mem.toUpperCase() === 'SM') {
        this.log.debug({ urc: line }, 'status report announced in "SM" but stored in "SR" (EC2x behaviour)');
        this.emit({ type: 'status-report-stored', mem: 'SR', index: m.value.index });
        return true;
      }
    }
    return super.handleUrc(urc);
  }

  private qind(line: string): boolean {
    const q = classifyQind(line);
    switch (q.kind) {
      case 'sms-done':
        this.bootProgress('sms-done');
        return true;
      case 'pb-done':
        this.bootProgress('pb-done');
        return true;
      case 'csq':
        this.lastSignal = { rssi: q.rssi, ber: q.ber, dbm: q.rssi <= 31 ? -113 + 2 * q.rssi : null };
        return true;
      case 'act':
        this.log.debug({ act: q.act }, 'access technology changed');
        return true;
      case 'smsfull':
        this.log.warn({ storage: q.storage }, 'SMS storage full');
        return true;
      default:
        return false;
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // SIM and network

  protected override iccidSteps(): SeqStep<string>[] {
    return [
      { cmd: { cmd: 'AT+QCCID', prefixes: ['+QCCID:'] }, on: firstOf((r) => firstValue(r.lines, parseQccid)), optional: true },
      ...super.iccidSteps(),
    ];
  }

  /** VoLTE state from AT+QCFG="ims"; the generic +CIREG? when the firmware does not report it there. */
  override async volte(): Promise<boolean | null> {
    const r = await this.channel.send({ cmd: 'AT+QCFG="ims"', prefixes: ['+QCFG:'] });
    if (r.ok) {
      const ims = firstValue(r.lines, parseQcfgIms);
      if (ims && ims.volte !== null) return ims.volte;
    }
    return super.volte();
  }

  /** AT+QSPN full network name (short name if the full one is empty); the +COPS way if refused. */
  protected override async operatorName(): Promise<string | null> {
    const r = await this.channel.send({ cmd: 'AT+QSPN', prefixes: ['+QSPN:'] });
    if (r.ok) {
      const s = firstValue(r.lines, parseQspn);
      const name = s?.fullName ?? s?.shortName ?? null;
      if (name) return name;
    }
    return super.operatorName();
  }

  override async operator(): Promise<OperatorInfo> {
    const info = await super.operator();
    if (info.rat === null && info.plmn !== null) {
      const nw = await this.networkInfo();
      if (nw) {
        info.rat = nw.rat;
        info.plmn ??= nw.plmn;
      }
    }
    return info;
  }

  /** AT+QNWINFO: access technology, operator, band, channel; null when refused or unreadable. */
  async networkInfo(): Promise<QnwInfo | null> {
    const r = await this.channel.send({ cmd: 'AT+QNWINFO', prefixes: ['+QNWINFO:'] });
    if (!r.ok) return null;
    return firstValue(r.lines, parseQnwinfo) ?? null;
  }

  // ------------------------------------------------------------------------------------------------------
  // Status reports in "SR"

  /**
   * Reads the SMS-STATUS-REPORT at `index` of the "SR" memory (TS 27.005 §3.2.2 <mem1> = "SR", then
   * AT+CMGR §3.4.3), restoring the previous read memory afterwards. Null for an empty slot.
   */
  readStatusReport(index: number): Promise<StoredSms | null> {
    return this.readSms(index, 'SR');
  }

  /** Deletes the status report at `index` of the "SR" memory (AT+CMGD, TS 27.005 §3.5.4). */
  deleteStatusReport(index: number): Promise<void> {
    return this.deleteSms(index, 'SR');
  }

  /** With `statusReportInSr`, reports are in "SR" even when AT+CPMS=? does not list it. */
  protected override async askMemories(): Promise<SmsMemories> {
    const m = await super.askMemories();
    return this.statusReportInSr ? { ...m, reports: 'SR' } : m;
  }

  // ------------------------------------------------------------------------------------------------------
  // Audio, IMEI

  /** AT+QPCMV=1,<port> (default port 0: PCM over the USB NMEA interface). */
  override async enableUsbAudio(): Promise<void> {
    await this.execOk({ cmd: `AT+QPCMV=1,${this.usbAudioPort}`, timeoutMs: QUECTEL_TIMEOUTS.usbAudio });
  }

  /** AT+QPCMV=0: voice back to the module's own audio path. */
  async disableUsbAudio(): Promise<void> {
    await this.execOk({ cmd: 'AT+QPCMV=0', timeoutMs: QUECTEL_TIMEOUTS.usbAudio });
  }

  /**
   * AT+EGMR=1,7,"<imei>" then AT+EGMR=0,7 to check what was stored. The new IMEI is used by the network
   * side after the next restart (reset()). Re-programming an IMEI is unlawful in some countries: the
   * caller checks the configuration allows it (security.allowImeiWrite).
   */
  override async writeImei(imei: string): Promise<void> {
    const problem = imeiProblem(imei);
    if (problem) throw new InvalidArgumentError(problem);
    await this.execOk({ cmd: `AT+EGMR=1,7,"${imei}"`, timeoutMs: QUECTEL_TIMEOUTS.imeiWrite });
    const lines = await this.execOk({ cmd: 'AT+EGMR=0,7', prefixes: ['+EGMR:'] });
    const stored = this.pick('AT+EGMR=0,7', lines, parseEgmrImei);
    if (stored !== imei) throw new ModemResponseError('AT+EGMR=0,7', `IMEI read back as ${stored}, expected ${imei}`, lines);
  }

  // ------------------------------------------------------------------------------------------------------
  // Data connectivity check

  protected override async runHttpCheck(opts: HttpCheckOptions): Promise<HttpCheckResult> {
    const req = checkHttpRequest(opts, QUECTEL_URL_MAX);
    if (!req.ok) throw new HttpCheckError('invalid-request', req.error);
    const { url, apn, seconds } = req.value;
    const waitMs = seconds * 1000 + QUECTEL_TIMEOUTS.urcSlackMs;

    // PDP context 1: IPv4 (<context_type> 1), no user name or password, <authentication> 1 as in the
    // TCP/IP manual's example.
    if (apn !== undefined) await this.httpStep({ cmd: `AT+QICSGP=1,1,"${apn}","","",1` }, 'no-data-connection', `setting APN "${apn}" on PDP context 1 failed`);
    const rows = await this.httpStep({ cmd: 'AT+QIACT?', prefixes: ['+QIACT:'] }, 'modem', 'reading the PDP contexts failed');
    const active = rows.some((l) => {
      const r = parseQiact(l);
      return r.ok && r.value.contextId === 1 && r.value.active;
    });
    if (!active) {
      await this.httpStep(
        { cmd: 'AT+QIACT=1', timeoutMs: waitMs, network: true },
        'no-data-connection',
        `PDP context 1${apn !== undefined ? ` (APN "${apn}")` : ''} could not be activated: no data connection`,
      );
    }
    await this.httpStep({ cmd: 'AT+QHTTPCFG="contextid",1' }, 'modem', 'selecting PDP context 1 for HTTP failed');
    await this.httpStep(
      { cmd: `AT+QHTTPURL=${url.length},${QUECTEL_TIMEOUTS.urlInputSeconds}`, connectData: url, timeoutMs: QUECTEL_TIMEOUTS.urlInputSeconds * 1000 + 5000 },
      'invalid-request',
      'the modem refused the URL',
    );

    const started = Date.now();
    const result = await this.waitQhttpget(waitMs, async () => {
      await this.httpStep({ cmd: `AT+QHTTPGET=${seconds}`, bare: false, timeoutMs: waitMs, network: true }, 'modem', 'the GET request was refused');
    });
    const ms = Date.now() - started;
    if (result.err !== 0) throw new HttpCheckError(quectelHttpFailure(result.err), `GET ${url}: ${describeQuectelHttpError(result.err)}`, result.err);
    return { status: result.status ?? 0, bytes: result.length ?? 0, ms };
  }

  /** Runs `send` (which sends AT+QHTTPGET) and resolves with the +QHTTPGET URC that follows it. */
  private waitQhttpget(waitMs: number, send: () => Promise<void>): Promise<QhttpgetResult> {
    return this.awaitResultUrc('+QHTTPGET:', parseQhttpget, waitMs, send, (kind, detail) =>
      kind === 'timeout' ? new HttpCheckError('timeout', detail) : new HttpCheckError('modem', `AT+QHTTPGET: ${detail}`),
    );
  }

  /** Sends one command of the check; a refusal becomes an HttpCheckError (HTTP codes 7xx explained). */
  private async httpStep(command: AtCommand, kind: HttpCheckFailure, what: string): Promise<string[]> {
    const r = await this.channel.send(command);
    if (r.ok) return r.lines;
    const f = r.final;
    if (f.kind === 'CME ERROR' && f.code !== null && f.code >= 700 && f.code < 800) {
      throw new HttpCheckError(quectelHttpFailure(f.code), `${command.cmd}: ${what}: ${describeQuectelHttpError(f.code)}`, f.code);
    }
    throw new HttpCheckError(kind, `${command.cmd}: ${what} (${describeFinal(f)})`, f.kind === 'CME ERROR' ? f.code : null);
  }

}
