/**
 * SIMCom SIM7500 / SIM7600 (SIM7600E-H, SIM7600G-H, ...) driver: the TS 27.007 / 27.005 baseline plus what
 * these modules do differently. Everything not overridden here is GenericDriver.
 *
 * What differs (sources in docs/modems.md):
 *  - ICCID: AT+CICCID → `+ICCID: <iccid>` (SIM7500_SIM7600 Series AT Command Manual V1.x §4.3), before the
 *    generic fallbacks.
 *  - Access technology: AT+CNSMOD? → `+CNSMOD: <n>,<stat>`, else AT+CPSI? → `+CPSI: <System Mode>,...`,
 *    when +COPS? reported no <AcT>.
 *  - Call audio over USB: AT+CPCMREG=1 streams 8 kHz 16-bit mono PCM on the USB audio interface
 *    (interface 4 of product 0x9001, usually ttyUSB4); AT+CPCMREG=0 stops it. The module refuses
 *    AT+CPCMREG=1 while no call is connected (ERROR), so enableUsbAudio() belongs after the call is
 *    active: after 'call-state' reports an active call, which this driver emits on `VOICE CALL: BEGIN`.
 *  - IMEI: AT+SIMEI=<imei> writes, AT+SIMEI? reads back (`+SIMEI: <imei>`).
 *  - VoLTE: no SIMCom query was found documented for the SIM7600 (AT+CEVOLTE is reported missing on
 *    SIM7600 firmware); the generic AT+CIREG? (TS 27.007 §8.71) is used, null when refused.
 *  - Start-up URCs: RDY (→ 'modem-ready'), +CPIN: READY (generic → 'sim-state'), SMS DONE and PB DONE
 *    (recorded in `startup`).
 *  - Call URCs: `VOICE CALL: BEGIN` (the call is connected: +CLCC is read and sent as 'call-state'),
 *    `VOICE CALL: END: <time>` and `MISSED_CALL: <time> <number>`. SIM7600 firmware does not reliably follow
 *    VOICE CALL: END with NO CARRIER (and a missed call may end with MISSED_CALL only), so each of these
 *    ends the call, but only one 'call-ended' is emitted per call: a NO CARRIER / BUSY / NO ANSWER within
 *    `callEndGraceMs` before or after wins (it carries the network's reason); otherwise VOICE CALL: END
 *    gives reason 'HANGUP' and MISSED_CALL gives 'NO ANSWER' (nobody answered the incoming call).
 *  - Data connectivity check (httpCheck): AT+CGDCONT=1,"IP","<apn>" (when an APN is given), AT+HTTPINIT
 *    (starts the HTTP service and brings up the data connection), AT+HTTPPARA="URL","<url>",
 *    AT+HTTPACTION=0 answers OK and later `+HTTPACTION: 0,<status>,<length>` (a status of 600 and up is
 *    the module's own error), AT+HTTPTERM at the end, also after a failure. Codes and sources in ./http.ts.
 */
import { firstOf, type SeqStep } from '../../src/at/sequence.js';
import type { AtChannelApi, AtCommand, Urc, UrcSpec } from '../../src/at/types.js';
import { HttpCheckError, type DriverOptions, type Family, type HttpCheckFailure, type HttpCheckOptions, type HttpCheckResult, type ModemEvent, type OperatorInfo, type Rat } from '../types.js';
import { describeFinal } from '../generic/error-codes.js';
import {
  checkHttpRequest,
  describeSimcomHttpError,
  isSimcomHttpError,
  parseHttpAction,
  simcomHttpFailure,
  SIMCOM_URL_MAX,
  type HttpActionResult,
} from './http.js';
import { firstValue, GenericDriver, type ModemStartup } from '../generic/generic-driver.js';
import { InvalidArgumentError, ModemResponseError } from '../generic/errors.js';
import { imeiProblem, parseCiccid, parseCnsmod, parseCpsi, parseMissedCall, parseSimei, parseVoiceCallEnd, cnsmodToRat } from './parse.js';

export interface SimcomDriverOptions extends DriverOptions {
  /**
   * How long a `VOICE CALL: END` / `MISSED_CALL` waits for a NO CARRIER / BUSY / NO ANSWER that carries the
   * real reason, and how long after such a result a VOICE CALL: END is taken as the same call end (ms).
   * Default 500.
   */
  callEndGraceMs?: number;
}

/** Start-up progress (RDY, SMS DONE, PB DONE). */
export type SimcomStartup = ModemStartup;

export const SIMCOM_URCS: readonly UrcSpec[] = [
  { prefix: 'SMS DONE' },
  { prefix: 'PB DONE' },
  { prefix: 'VOICE CALL:' },
  { prefix: 'MISSED_CALL:' },
  { prefix: '+HTTPACTION:' },
  { prefix: '+HTTP_PEER_CLOSED' },
  { prefix: '+HTTP_NONET_EVENT' },
];

const SIMCOM_TIMEOUTS = {
  imeiWrite: 10_000,
  /** AT+CPCMREG=1 sets up the PCM stream. */
  usbAudio: 5_000,
  /** Extra wait for +HTTPACTION beyond the check's time, so the module's own error code arrives first. */
  urcSlackMs: 5_000,
  httpTerm: 5_000,
};

type EndReason = Extract<ModemEvent, { type: 'call-ended' }>['reason'];

export class SimcomDriver extends GenericDriver {
  override readonly family: Family = 'simcom';
  /** Seconds reported by the last `VOICE CALL: END: <time>` (null when unreadable or none yet). */
  lastCallSeconds: number | null = null;
  private readonly graceMs: number;
  private pendingEnd: NodeJS.Timeout | null = null;
  private lastEndAt = Number.NEGATIVE_INFINITY;
  /** The check waiting for its +HTTPACTION URC. */

  constructor(channel: AtChannelApi, opts: SimcomDriverOptions) {
    super(channel, opts);
    const g = opts.callEndGraceMs;
    this.graceMs = typeof g === 'number' && Number.isFinite(g) && g >= 0 ? g : 500;
  }

  override dispose(): void {
    if (this.pendingEnd) clearTimeout(this.pendingEnd);
    this.pendingEnd = null;
    super.dispose();
  }

  // ------------------------------------------------------------------------------------------------------
  // URCs

  protected override urcSpecs(): UrcSpec[] {
    return [...super.urcSpecs(), ...SIMCOM_URCS];
  }

  protected override handleUrc(urc: Urc): boolean {
    const line = urc.line.trim();
    if (line === 'SMS DONE') {
      this.bootProgress('sms-done');
      return true;
    }
    if (line === 'PB DONE') {
      this.bootProgress('pb-done');
      return true;
    }
    if (line.startsWith('+HTTPACTION:')) {
      if (!this.resultUrc(line)) this.log.debug({ urc: line }, '+HTTPACTION with no check waiting (a check that timed out)');
      return true;
    }
    if (line === '+HTTP_PEER_CLOSED' || line === '+HTTP_NONET_EVENT') {
      // Notifications only: the result (or the error code) still comes with +HTTPACTION.
      this.log.debug({ urc: line }, 'HTTP service notification');
      return true;
    }
    if (line.startsWith('VOICE CALL:')) {
      if (/^VOICE CALL:\s*BEGIN$/.test(line)) {
        this.callConnected();
        return true;
      }
      const end = parseVoiceCallEnd(line);
      if (!end.ok) return false;
      this.lastCallSeconds = end.value.seconds;
      this.log.debug({ seconds: end.value.seconds }, 'VOICE CALL: END');
      this.endAfterGrace('HANGUP');
      return true;
    }
    if (line.startsWith('MISSED_CALL:')) {
      const m = parseMissedCall(line);
      if (!m.ok) return false;
      this.log.info({ time: m.value.time, number: m.value.number }, 'missed call');
      this.endAfterGrace('NO ANSWER');
      return true;
    }
    return super.handleUrc(urc);
  }

  /** Every 'call-ended' passes here: it settles a pending VOICE CALL: END and starts the grace window. */
  protected override emit(e: ModemEvent): void {
    if (e.type === 'call-ended') {
      if (this.pendingEnd) {
        clearTimeout(this.pendingEnd);
        this.pendingEnd = null;
      }
      this.lastEndAt = Date.now();
    }
    super.emit(e);
  }

  private endAfterGrace(reason: EndReason): void {
    if (Date.now() - this.lastEndAt <= this.graceMs) return; // already ended by NO CARRIER / BUSY / ...
    if (this.pendingEnd) return;
    this.pendingEnd = setTimeout(() => {
      this.pendingEnd = null;
      this.emit({ type: 'call-ended', reason });
    }, this.graceMs);
  }

  /** `VOICE CALL: BEGIN`: the call is connected; report the calls so the line sees it active. */
  private callConnected(): void {
    this.listCalls().then(
      (calls) => this.emit({ type: 'call-state', calls }),
      (err: unknown) => this.log.warn({ err }, 'AT+CLCC after VOICE CALL: BEGIN failed'),
    );
  }

  // ------------------------------------------------------------------------------------------------------
  // SIM and network

  protected override iccidSteps(): SeqStep<string>[] {
    return [
      { cmd: { cmd: 'AT+CICCID', prefixes: ['+ICCID:'] }, on: firstOf((r) => firstValue(r.lines, parseCiccid)), optional: true },
      ...super.iccidSteps(),
    ];
  }

  override async operator(): Promise<OperatorInfo> {
    const info = await super.operator();
    if (info.rat === null && info.plmn !== null) info.rat = await this.networkMode();
    return info;
  }

  /** Access technology now in use: AT+CNSMOD? first, AT+CPSI? second; null when neither tells. */
  async networkMode(): Promise<Rat | null> {
    const c = await this.channel.send({ cmd: 'AT+CNSMOD?', prefixes: ['+CNSMOD:'] });
    if (c.ok) {
      const stat = firstValue(c.lines, parseCnsmod);
      if (stat !== undefined) return cnsmodToRat(stat);
    }
    const p = await this.channel.send({ cmd: 'AT+CPSI?', prefixes: ['+CPSI:'] });
    if (p.ok) {
      const info = firstValue(p.lines, parseCpsi);
      if (info) return info.rat;
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------------
  // Audio, IMEI

  /** AT+CPCMREG=1; refused (ERROR) by the module until a call is connected. */
  override async enableUsbAudio(): Promise<void> {
    await this.execOk({ cmd: 'AT+CPCMREG=1', timeoutMs: SIMCOM_TIMEOUTS.usbAudio });
  }

  /** AT+CPCMREG=0: stops the PCM stream (accepted with or without a call). */
  async disableUsbAudio(): Promise<void> {
    await this.execOk({ cmd: 'AT+CPCMREG=0', timeoutMs: SIMCOM_TIMEOUTS.usbAudio });
  }

  /**
   * AT+SIMEI=<imei> then AT+SIMEI? to check what was stored. Re-programming an IMEI is unlawful in some
   * countries: the caller checks the configuration allows it (security.allowImeiWrite).
   */
  override async writeImei(imei: string): Promise<void> {
    const problem = imeiProblem(imei);
    if (problem) throw new InvalidArgumentError(problem);
    await this.execOk({ cmd: `AT+SIMEI=${imei}`, timeoutMs: SIMCOM_TIMEOUTS.imeiWrite });
    const lines = await this.execOk({ cmd: 'AT+SIMEI?', prefixes: ['+SIMEI:'] });
    const stored = this.pick('AT+SIMEI?', lines, parseSimei);
    if (stored !== imei) throw new ModemResponseError('AT+SIMEI?', `IMEI read back as ${stored}, expected ${imei}`, lines);
  }

  // ------------------------------------------------------------------------------------------------------
  // Data connectivity check

  protected override async runHttpCheck(opts: HttpCheckOptions): Promise<HttpCheckResult> {
    const req = checkHttpRequest(opts, SIMCOM_URL_MAX);
    if (!req.ok) throw new HttpCheckError('invalid-request', req.error);
    const { url, apn, seconds } = req.value;
    const waitMs = seconds * 1000 + SIMCOM_TIMEOUTS.urcSlackMs;

    // PDP context 1 (TS 27.007 §10.1.1), the one the HTTP service uses.
    if (apn !== undefined) await this.httpStep({ cmd: `AT+CGDCONT=1,"IP","${apn}"` }, 'no-data-connection', `setting APN "${apn}" on PDP context 1 failed`);
    const init: AtCommand = { cmd: 'AT+HTTPINIT', timeoutMs: waitMs, network: true };
    const first = await this.channel.send(init);
    if (!first.ok) {
      // A session an earlier check (or another program) left open refuses a second HTTPINIT: close, retry.
      this.log.debug({ final: describeFinal(first.final) }, 'AT+HTTPINIT refused; terminating a leftover session and retrying');
      await this.httpTerm();
      await this.httpStep(init, 'no-data-connection', 'the HTTP service could not start: no data connection');
    }
    try {
      await this.httpStep({ cmd: `AT+HTTPPARA="URL","${url}"` }, 'invalid-request', 'the modem refused the URL');
      const started = Date.now();
      const r = await this.waitHttpAction(waitMs, async () => {
        await this.httpStep({ cmd: 'AT+HTTPACTION=0', bare: false, timeoutMs: waitMs, network: true }, 'modem', 'the GET request was refused');
      });
      const ms = Date.now() - started;
      if (isSimcomHttpError(r.status)) throw new HttpCheckError(simcomHttpFailure(r.status), `GET ${url}: ${describeSimcomHttpError(r.status)}`, r.status);
      return { status: r.status, bytes: r.length, ms };
    } finally {
      await this.httpTerm();
    }
  }

  /** AT+HTTPTERM; a refusal (no session) or a timeout is logged, not thrown. */
  private async httpTerm(): Promise<void> {
    try {
      const r = await this.channel.send({ cmd: 'AT+HTTPTERM', timeoutMs: SIMCOM_TIMEOUTS.httpTerm });
      if (!r.ok) this.log.debug({ final: describeFinal(r.final) }, 'AT+HTTPTERM refused');
    } catch (err) {
      this.log.warn({ err }, 'AT+HTTPTERM failed');
    }
  }

  /** Runs `send` (which sends AT+HTTPACTION) and resolves with the +HTTPACTION URC that follows it. */
  private waitHttpAction(waitMs: number, send: () => Promise<void>): Promise<HttpActionResult> {
    return this.awaitResultUrc('+HTTPACTION:', parseHttpAction, waitMs, send, (kind, detail) =>
      kind === 'timeout' ? new HttpCheckError('timeout', detail) : new HttpCheckError('modem', `AT+HTTPACTION: ${detail}`),
    );
  }

  /** Sends one command of the check; a refusal becomes an HttpCheckError. */
  private async httpStep(command: AtCommand, kind: HttpCheckFailure, what: string): Promise<string[]> {
    const r = await this.channel.send(command);
    if (r.ok) return r.lines;
    const f = r.final;
    throw new HttpCheckError(kind, `${command.cmd}: ${what} (${describeFinal(f)})`, f.kind === 'CME ERROR' ? f.code : null);
  }
}
