/**
 * The 3GPP TS 27.007 / TS 27.005 baseline driver. Every capability uses standard commands only; vendor
 * families (Quectel, SIMCom) extend this class and override single methods or the protected command
 * lists (`initSteps`, `smsInitSteps`, `iccidSteps`, `imeiSteps`, `hangupSteps`, `resetSteps`,
 * `registrationQueries`, `urcSpecs`, `handleUrc`, `operatorName`). No vendor branches live here.
 */
import { done, fail, firstOf, next, runQuery, runSequence, type SeqStep } from '../../src/at/sequence.js';
import { AtClosedError, type AtChannelApi, type AtCommand, type FinalKind, type Urc, type UrcSpec } from '../../src/at/types.js';
import type { Logger } from '../../src/util/log.js';
import type {
  CallInfo,
  DriverOptions,
  Family,
  HttpCheckOptions,
  HttpCheckResult,
  ModemDriver,
  ModemEvent,
  ModemIdentity,
  OperatorInfo,
  OperatorSelection,
  Registration,
  Signal,
  SimState,
  SmsMemories,
  StoredSms,
} from '../types.js';
import { describeFinal } from './error-codes.js';
import { InvalidArgumentError, ModemCommandError, ModemResponseError, UnsupportedError } from './errors.js';
import {
  checkPdu,
  copsModeName,
  cusdCloses,
  cusdIsOpen,
  iccidFromEf,
  isRegQueryShape,
  numberWithType,
  parseCdsHeader,
  parseCeer,
  parseCireg,
  parseClcc,
  parseClip,
  parseCmgl,
  parseCmgr,
  parseCmgs,
  parseCmtHeader,
  parseCnum,
  parseCops,
  parseCpms,
  parseCpmsTest,
  parseCpin,
  parseCrsm,
  parseCsca,
  parseCsq,
  parseCusd,
  parseIccid,
  parseIdentityText,
  parseImei,
  parseImsi,
  parseMemIndex,
  parseRegistration,
  ratOfAct,
  regDomain,
  simStateOfCme,
  simStateOfCmeText,
  type CopsReading,
  type ParseResult,
} from './parse.js';
import { attempt, required, runSettings, type Setting } from './steps.js';

/** URCs of TS 27.007 / 27.005 this driver turns into events. */
export const GENERIC_URCS: readonly UrcSpec[] = [
  { prefix: 'RING' },
  { prefix: '+CRING:' },
  { prefix: '+CLIP:' },
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

/** Start-up progress as the modem reports it after power-on or a reset (RDY, then its SMS/phonebook ready URCs). */
export interface ModemStartup {
  /** RDY: the AT interface is up. */
  rdy: boolean;
  /** SMS storage initialised (Quectel `+QIND: SMS DONE`, SIMCom `SMS DONE`). */
  smsDone: boolean;
  /** Phonebook read; SIM initialisation complete (Quectel `+QIND: PB DONE`, SIMCom `PB DONE`). */
  pbDone: boolean;
}

/** Command timeouts (ms) where the channel default (a few seconds) is too short. */
export const GENERIC_TIMEOUTS = {
  /** ATD: OK comes once the network accepted the call set-up. */
  dial: 30_000,
  answer: 20_000,
  hangup: 10_000,
  pin: 10_000,
  /** AT+CMGS: the network's RP-ACK can take tens of seconds on a loaded cell. */
  sendSms: 60_000,
  readSms: 10_000,
  listSms: 30_000,
  /** AT+CUSD: some firmware holds OK until the network has answered. */
  ussd: 30_000,
  /** AT+COPS=1/0: a manual selection may scan every band (TS 27.007 §7.3). */
  selectOperator: 120_000,
  cfun: 15_000,
} as const;

export type DriverTimeouts = { -readonly [K in keyof typeof GENERIC_TIMEOUTS]: number };

const DIAL_FINALS: readonly FinalKind[] = ['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE'];

/** Digits, `+`, `*`, `#` (the GSM dial-string characters of TS 22.030 / TS 27.007 §6.2). */
const DIAL_STRING = /^[0-9*#+]{1,64}$/;
/** Longest silence between the lines of one multi-line +CUSD string, and the most lines it may have. */
const CUSD_CONTINUATION_MS = 1000;
const CUSD_MAX_LINES = 64;

/** USSD strings as typed on a handset: `*100#`, `*123*1#`, or a menu answer such as `1`. */
const USSD_STRING = /^[0-9*#+]{1,160}$/;

export class GenericDriver implements ModemDriver {
  readonly family: Family = 'generic';
  protected readonly log: Logger;
  protected readonly timeouts: DriverTimeouts = { ...GENERIC_TIMEOUTS };
  private readonly listeners = new Set<(e: ModemEvent) => void>();
  private readonly detachUrc: () => void;

  /**
   * Registers the URC prefixes of `urcSpecs()` and starts listening. Note for subclasses: `urcSpecs()`
   * runs inside this constructor, before the subclass's own fields exist, so it must return constants.
   */
  constructor(
    readonly channel: AtChannelApi,
    opts: DriverOptions,
  ) {
    this.log = opts.log;
    for (const spec of this.urcSpecs()) channel.registerUrc(spec);
    this.detachUrc = channel.onUrc((u) => this.deliverUrc(u));
  }

  /** Stops turning URCs into events (the channel stays open). */
  dispose(): void {
    for (const w of [...this.urcWaiters.values()]) w.abandon(new Error(`driver disposed while waiting for ${w.prefix}`));
    if (this.cusdOpen) clearTimeout(this.cusdOpen.timer);
    this.cusdOpen = null;
    this.detachUrc();
    this.listeners.clear();
  }

  async networkTime(): Promise<{ utcMs: number; tzMinutes: number } | null> {
    const r = await this.channel.send({ cmd: 'AT+CCLK?', prefixes: ['+CCLK:'] });
    if (!r.ok) return null;
    for (const l of r.lines) {
      const t = parseCclk(l);
      if (t !== undefined) return t;
    }
    return null;
  }

  /** Commands whose result comes later as a URC (AT+QHTTPGET → +QHTTPGET:, AT+HTTPACTION → +HTTPACTION:). */
  private readonly urcWaiters = new Map<string, { prefix: string; take: (line: string) => void; abandon: (e: Error) => void }>();

  /**
   * Runs `send` (the command) and resolves with the parsed URC starting with `prefix` that follows it,
   * within `waitMs` after the command was accepted. One wait per prefix at a time. A URC nobody waits
   * for (after a timeout) is logged and dropped. `fail` builds the error for a timeout or a malformed URC.
   */
  protected awaitResultUrc<T>(
    prefix: string,
    parse: (line: string) => ParseResult<T>,
    waitMs: number,
    send: () => Promise<void>,
    fail: (kind: 'timeout' | 'malformed', detail: string) => Error,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (f: () => void) => {
        if (this.urcWaiters.get(prefix) !== waiter) return;
        this.urcWaiters.delete(prefix);
        if (timer) clearTimeout(timer);
        f();
      };
      const waiter = {
        prefix,
        take: (line: string) => {
          const r = parse(line);
          done(() => (r.ok ? resolve(r.value) : reject(fail('malformed', r.error))));
        },
        abandon: (err: Error) => done(() => reject(err)),
      };
      this.urcWaiters.get(prefix)?.abandon(new Error(`another ${prefix} wait started`));
      this.urcWaiters.set(prefix, waiter);
      send().then(
        () => {
          if (this.urcWaiters.get(prefix) !== waiter) return;
          timer = setTimeout(() => done(() => reject(fail('timeout', `no ${prefix.replace(/:$/, '')} result within ${waitMs} ms`))), waitMs);
        },
        (err: unknown) => done(() => reject(err)),
      );
    });
  }

  /** Hands a result URC to its waiter; true when the line was one (waited for or late). */
  protected resultUrc(line: string): boolean {
    for (const [prefix, w] of this.urcWaiters) {
      if (line.startsWith(prefix)) {
        w.take(line);
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------------------
  // Set-up

  async init(): Promise<void> {
    const skipped = await runSettings(this.channel, this.initSteps());
    if (skipped.length > 0) this.log.info({ skipped }, 'modem refused optional settings');
  }

  /**
   * The settings init() applies, in order. Each inner list holds alternatives (first OK wins).
   * - `ATE0V1`: echo off (V.250 §6.2.4) and verbose result codes (§6.2.6), in one line so a modem left in
   *   ATV0 by another program (numeric `0\r` instead of `OK`) is put right by the same command.
   * - `AT+CMEE=1`: numeric +CME ERROR codes (TS 27.007 §9.1). Numbers are what the driver branches on
   *   (10 = SIM not inserted, 16 = wrong PIN); the verbose texts of CMEE=2 differ between vendors and
   *   firmware, and error-codes.ts turns numbers into text for people anyway.
   * - `AT+CSCS="IRA"` (TS 27.007 §5.5): a previous user (gammu sets "HEX", others "UCS2") may have left a
   *   character set in which +CUSD/+CNUM/+CSCA strings arrive hex-encoded; IRA, else GSM, makes them text.
   * - `AT+CREG=2`, `AT+CGREG=2`, `AT+CEREG=2`: registration URCs with location and <AcT> (TS 27.007 §7.2,
   *   §10.1.20, §10.1.22); =1 on modems that refuse 2; an old 2G modem without +CEREG simply skips it.
   * - `AT+CLIP=1`: caller id with RING (§7.6). `AT+CMGF=0`: PDU mode (TS 27.005 §3.2.3), required.
   * - `AT+COPS=3,2`: +COPS? reports the numeric PLMN (§7.3); operator() reads the name separately.
   */
  protected initSteps(): Setting[] {
    return [
      [attempt('ATE0V1'), required('ATE0')],
      [attempt('AT+CMEE=1')],
      [attempt('AT+CSCS="IRA"'), attempt('AT+CSCS="GSM"')],
      [attempt('AT+CREG=2'), attempt('AT+CREG=1')],
      [attempt('AT+CGREG=2'), attempt('AT+CGREG=1')],
      [attempt('AT+CEREG=2'), attempt('AT+CEREG=1')],
      [attempt('AT+CLIP=1')],
      [required('AT+CMGF=0')],
      [attempt('AT+COPS=3,2')],
    ];
  }

  async initSms(): Promise<void> {
    const skipped = await runSettings(this.channel, this.smsInitSteps());
    if (skipped.length > 0) this.log.warn({ skipped }, 'modem refused SMS settings');
  }

  /**
   * - `AT+CSMS=1` (TS 27.005 §3.2.1): phase 2+ message service, the one in which +CNMA exists.
   * - `AT+CPMS="ME","ME","ME"` (§3.2.2): read/delete, write/send and receive storage in the modem's
   *   own memory (usually larger than the SIM's); "SM" (SIM) when the modem has none.
   * - `AT+CNMI=2,1,0,2,0` (§3.4.1), chosen so that nothing is lost if the daemon is down or dies:
   *   mode 2 buffers indications while the TA-TE link is busy (during a command, at the `> ` prompt)
   *   and flushes them afterwards instead of dropping them; mt 1 stores every SMS-DELIVER in <mem3>
   *   and only announces its place with +CMTI, so the message stays on the modem until we have stored it
   *   durably and deleted it with +CMGD (with mt 2 the PDU would exist only on the serial line, and with
   *   +CSMS=1 an unacknowledged +CMT is lost to us); bm 0 no cell broadcast; ds 2 stores status reports
   *   and announces them with +CDSI, for the same reason; bfr 0 flushes what was buffered.
   *   Fallbacks: ds 1 (+CDS, to be acknowledged with ackSms() since +CSMS=1), then the minimum `2,1`.
   */
  protected smsInitSteps(): Setting[] {
    return [
      [attempt({ cmd: 'AT+CSMS=1', prefixes: ['+CSMS:'] })],
      [attempt({ cmd: 'AT+CPMS="ME","ME","ME"', prefixes: ['+CPMS:'] }), attempt({ cmd: 'AT+CPMS="SM","SM","SM"', prefixes: ['+CPMS:'] })],
      [attempt('AT+CNMI=2,1,0,2,0'), attempt('AT+CNMI=2,1,0,1,0'), required('AT+CNMI=2,1')],
    ];
  }

  // ------------------------------------------------------------------------------------------------------
  // Events

  onEvent(listener: (e: ModemEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected emit(e: ModemEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err, event: e.type }, 'modem event listener threw');
      }
    }
  }

  /** URC prefixes registered with the channel; subclasses append theirs (constants only, see constructor). */
  protected urcSpecs(): UrcSpec[] {
    return [...GENERIC_URCS];
  }

  /**
   * A +CUSD whose quoted <str> spans several lines (see cusdIsOpen): the lines so far, joined with LF,
   * and the timer that delivers them as they are if the closing line never comes.
   */
  private cusdOpen: { text: string; lines: number; timer: NodeJS.Timeout } | null = null;

  /**
   * Joins the lines of a multi-line +CUSD (TS 27.007 §7.15 <str> holding line breaks) back into one URC.
   * Returns the URC to handle now, or null while more lines of an open <str> are expected. Every line
   * after an open +CUSD belongs to its string until one closes it (a modem writes the whole result code
   * at once); a new +CUSD, too many lines, or CUSD_CONTINUATION_MS of silence delivers what came.
   */
  private joinCusd(urc: Urc): Urc | null {
    const open = this.cusdOpen;
    if (open) {
      if (urc.line.trimStart().startsWith('+CUSD:')) {
        this.flushCusd();
        return this.joinCusd(urc);
      }
      open.text += '\n' + urc.line;
      open.lines++;
      if (!cusdCloses(urc.line) && open.lines < CUSD_MAX_LINES) return null;
      clearTimeout(open.timer);
      this.cusdOpen = null;
      return { line: open.text, known: true };
    }
    const line = urc.line.trim();
    if (!cusdIsOpen(line)) return urc;
    const timer = setTimeout(() => this.flushCusd(), CUSD_CONTINUATION_MS);
    timer.unref?.();
    this.cusdOpen = { text: line, lines: 1, timer };
    return null;
  }

  /** Delivers an open +CUSD as it is (parseCusd keeps an unterminated string). */
  private flushCusd(): void {
    const open = this.cusdOpen;
    if (!open) return;
    clearTimeout(open.timer);
    this.cusdOpen = null;
    this.log.debug({ lines: open.lines }, '+CUSD string not closed; delivering what came');
    this.routeUrc({ line: open.text, known: true });
  }

  /** Routes one URC: `handleUrc` decides, and whatever it does not handle becomes an 'unknown' event. */
  protected deliverUrc(urc: Urc): void {
    const joined = this.joinCusd(urc);
    if (joined) this.routeUrc(joined);
  }

  private routeUrc(urc: Urc): void {
    let handled = false;
    try {
      handled = this.handleUrc(urc);
    } catch (err) {
      this.log.error({ err, urc: urc.line }, 'URC handler threw');
    }
    if (!handled) {
      this.log.debug({ urc: urc.line }, 'unhandled URC');
      this.emit({ type: 'unknown', line: urc.line });
    }
  }

  /**
   * Turns a URC into an event; returns false when the line is not one this driver understands (or is
   * malformed). Subclasses handle their own URCs first and fall back to `super.handleUrc(urc)`.
   */
  /** Boot progress; vendors report SMS/phonebook readiness through `bootProgress`. */
  readonly startup: ModemStartup = { rdy: false, smsDone: false, pbDone: false };

  /** Records a boot URC; RDY (a restart) clears the later stages and tells the line the modem restarted. */
  protected bootProgress(stage: 'rdy' | 'sms-done' | 'pb-done'): void {
    if (stage === 'rdy') {
      this.startup.rdy = true;
      this.startup.smsDone = false;
      this.startup.pbDone = false;
      this.emit({ type: 'modem-ready' });
    } else if (stage === 'sms-done') {
      this.startup.smsDone = true;
      this.log.info('SMS storage ready');
    } else {
      this.startup.pbDone = true;
      this.log.info('SIM initialised (phonebook ready)');
    }
  }

  protected handleUrc(urc: Urc): boolean {
    const line = urc.line.trim();
    if (line === 'RDY') {
      this.bootProgress('rdy');
      return true;
    }
    if (line === 'RING' || line.startsWith('+CRING:')) {
      // TS 27.007 §6.11: +CRING: <type> replaces RING when +CRC=1.
      this.emit({ type: 'ring' });
      return true;
    }
    if (line.startsWith('NO CARRIER')) return this.callEnded('NO CARRIER');
    if (line === 'BUSY') return this.callEnded('BUSY');
    if (line.startsWith('NO ANSWER')) return this.callEnded('NO ANSWER');
    if (line.startsWith('NO DIALTONE') || line.startsWith('NO DIAL TONE')) return this.callEnded('NO DIALTONE');

    if (line.startsWith('+CLIP:')) {
      const c = parseClip(line);
      if (!c.ok) return this.malformed(c);
      this.emit({ type: 'clip', number: numberWithType(c.value.number, c.value.numberType), numberType: c.value.numberType });
      return true;
    }
    if (regDomain(line)) {
      // Unsolicited, so the URC form (TS 27.007 §7.2): no leading <n>.
      const r = parseRegistration(line, 'urc');
      if (!r.ok) return this.malformed(r);
      this.emit({ type: 'registration', reg: r.value });
      return true;
    }
    if (line.startsWith('+CMTI:') || line.startsWith('+CDSI:')) {
      const isReport = line.startsWith('+CDSI:');
      const m = parseMemIndex(line, isReport ? '+CDSI:' : '+CMTI:');
      if (!m.ok) return this.malformed(m);
      this.emit({ type: isReport ? 'status-report-stored' : 'sms-stored', mem: m.value.mem, index: m.value.index });
      return true;
    }
    if (line.startsWith('+CMT:')) {
      const h = parseCmtHeader(line);
      if (!h.ok) return this.malformed(h);
      const pdu = checkPdu(urc.body, h.value.length);
      if (!pdu.ok) return this.malformed(pdu);
      this.emit({ type: 'sms-deliver', pdu: pdu.value, length: h.value.length });
      return true;
    }
    if (line.startsWith('+CDS:')) {
      const h = parseCdsHeader(line);
      if (!h.ok) return this.malformed(h);
      const pdu = checkPdu(urc.body, h.value.length);
      if (!pdu.ok) return this.malformed(pdu);
      this.emit({ type: 'status-report', pdu: pdu.value, length: h.value.length });
      return true;
    }
    if (line.startsWith('+CUSD:')) {
      const u = parseCusd(line);
      if (!u.ok) return this.malformed(u);
      this.emit({ type: 'ussd', m: u.value.m, str: u.value.str, dcs: u.value.dcs });
      return true;
    }
    if (line.startsWith('+CPIN:')) {
      const s = parseCpin(line);
      if (!s.ok) return this.malformed(s);
      this.emit({ type: 'sim-state', state: s.value });
      return true;
    }
    return false;
  }

  private callEnded(reason: 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE'): true {
    this.emit({ type: 'call-ended', reason });
    return true;
  }

  private malformed(r: { ok: false; error: string }): false {
    this.log.warn({ error: r.error }, 'malformed URC');
    return false;
  }

  // ------------------------------------------------------------------------------------------------------
  // Helpers for subclasses

  /** Sends a command; rejects with ModemCommandError (codes explained, secrets redacted) unless OK. */
  protected async execOk(command: AtCommand | string): Promise<string[]> {
    const c = typeof command === 'string' ? { cmd: command } : command;
    const r = await this.channel.send(c);
    if (!r.ok) throw new ModemCommandError(c.secret ? redactCmd(c.cmd) : c.cmd, r.final, r.lines);
    return r.lines;
  }

  /** The first line of `lines` that `parse` accepts, else a ModemResponseError naming the command. */
  protected pick<T>(cmd: string, lines: readonly string[], parse: (line: string) => ParseResult<T>): T {
    let firstError: string | undefined;
    for (const l of lines) {
      const r = parse(l);
      if (r.ok) return r.value;
      firstError ??= r.error;
    }
    throw new ModemResponseError(cmd, firstError ?? 'no information line in the reply', lines);
  }

  // ------------------------------------------------------------------------------------------------------
  // Identity and SIM

  async identity(): Promise<ModemIdentity> {
    const text = async (cmd: string, prefix: string) => {
      const lines = await this.execOk({ cmd, bare: true });
      const r = parseIdentityText(lines, prefix);
      if (!r.ok) throw new ModemResponseError(cmd, r.error, lines);
      return r.value;
    };
    const manufacturer = await text('AT+CGMI', '+CGMI:');
    const model = await text('AT+CGMM', '+CGMM:');
    const revision = await text('AT+CGMR', '+CGMR:');
    const imei = await runQuery(this.channel, 'IMEI', this.imeiSteps());
    return { manufacturer, model, revision, imei };
  }

  /** AT+CGSN (TS 27.007 §5.4) answers the bare IMEI; AT+CGSN=1 answers `+CGSN: "<imei>"`. */
  protected imeiSteps(): SeqStep<string>[] {
    return [
      { cmd: { cmd: 'AT+CGSN', bare: true }, on: firstOf((r) => firstValue(r.lines, parseImei)), optional: true },
      { cmd: { cmd: 'AT+CGSN=1', prefixes: ['+CGSN:'] }, on: firstOf((r) => firstValue(r.lines, parseImei)) },
    ];
  }

  /**
   * AT+CPIN? (TS 27.007 §8.3). Without a SIM most modems answer +CME ERROR 10 rather than a +CPIN line;
   * the error code (or verbose text) is mapped to a state.
   */
  async simState(): Promise<SimState> {
    const r = await this.channel.send({ cmd: 'AT+CPIN?', prefixes: ['+CPIN:'], timeoutMs: this.timeouts.pin });
    if (r.ok) {
      for (const l of r.lines) {
        const s = parseCpin(l);
        if (s.ok) return s.value;
      }
      return 'UNKNOWN';
    }
    if (r.final.kind === 'CME ERROR') {
      const s = r.final.code !== null ? simStateOfCme(r.final.code) : r.final.text !== null ? simStateOfCmeText(r.final.text) : undefined;
      return s ?? 'UNKNOWN';
    }
    return 'UNKNOWN';
  }

  async enterPin(pin: string): Promise<void> {
    if (!/^\d{4,8}$/.test(pin)) throw new InvalidArgumentError('PIN must be 4 to 8 digits');
    await this.execOk({ cmd: `AT+CPIN="${pin}"`, secret: true, timeoutMs: this.timeouts.pin });
  }

  /** AT+CPIN="<puk>","<newpin>" (TS 27.007 §8.3): unblocks the SIM and sets a new PIN. */
  async enterPuk(puk: string, newPin: string): Promise<void> {
    if (!/^\d{8}$/.test(puk)) throw new InvalidArgumentError('PUK must be 8 digits');
    if (!/^\d{4,8}$/.test(newPin)) throw new InvalidArgumentError('new PIN must be 4 to 8 digits');
    await this.execOk({ cmd: `AT+CPIN="${puk}","${newPin}"`, secret: true, timeoutMs: this.timeouts.pin });
  }

  async iccid(): Promise<string> {
    return runQuery(this.channel, 'ICCID', this.iccidSteps());
  }

  /**
   * AT+CCID and AT+ICCID are widespread but not in TS 27.007; the standard way is reading EF_ICCID
   * (2FE2 = 12258) with restricted SIM access, READ BINARY (176) of 10 bytes (TS 27.007 §8.18).
   */
  protected iccidSteps(): SeqStep<string>[] {
    return [
      { cmd: { cmd: 'AT+CCID', prefixes: ['+CCID:'], bare: true }, on: firstOf((r) => firstValue(r.lines, parseIccid)), optional: true },
      { cmd: { cmd: 'AT+ICCID', prefixes: ['+ICCID:'], bare: true }, on: firstOf((r) => firstValue(r.lines, parseIccid)), optional: true },
      { cmd: { cmd: 'AT+CRSM=176,12258,0,0,10', prefixes: ['+CRSM:'] }, on: firstOf((r) => firstValue(r.lines, iccidFromCrsm)) },
    ];
  }

  async imsi(): Promise<string> {
    const lines = await this.execOk({ cmd: 'AT+CIMI', bare: true });
    return this.pick('AT+CIMI', lines, parseImsi);
  }

  async ownNumber(): Promise<string | null> {
    const r = await this.channel.send({ cmd: 'AT+CNUM', prefixes: ['+CNUM:'] });
    if (!r.ok) {
      this.log.debug({ final: describeFinal(r.final) }, 'AT+CNUM refused');
      return null;
    }
    for (const l of r.lines) {
      const n = parseCnum(l);
      if (n.ok && n.value.number !== '') return n.value.number;
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------------
  // Network

  /** The read commands registration() runs; a vendor may add e.g. 5GS registration (+C5GREG). */
  protected registrationQueries(): { cmd: string; prefix: string }[] {
    return [
      { cmd: 'AT+CREG?', prefix: '+CREG:' },
      { cmd: 'AT+CGREG?', prefix: '+CGREG:' },
      { cmd: 'AT+CEREG?', prefix: '+CEREG:' },
    ];
  }

  /**
   * One Registration per domain the modem answers for (a domain whose read command is refused is left
   * out). A registration URC that arrived while its own read command ran carries the same prefix and so
   * ends up among the reply lines; it is recognised by its shape and delivered as an event.
   */
  async registration(): Promise<Registration[]> {
    const out: Registration[] = [];
    for (const q of this.registrationQueries()) {
      const r = await this.channel.send({ cmd: q.cmd, prefixes: [q.prefix] });
      if (!r.ok) {
        this.log.debug({ cmd: q.cmd, final: describeFinal(r.final) }, 'registration query refused');
        continue;
      }
      let reg: Registration | undefined;
      for (const line of r.lines) {
        if (!isRegQueryShape(line)) {
          this.deliverUrc({ line, known: true });
          continue;
        }
        const p = parseRegistration(line, 'query');
        if (p.ok) reg = p.value;
        else this.log.warn({ error: p.error }, 'unreadable registration reply');
      }
      if (reg) out.push(reg);
    }
    return out;
  }

  /**
   * AT+COPS? (TS 27.007 §7.3). init() set the numeric format, so the first reading gives the PLMN and
   * `operatorName()` fetches the name; if the format was alphanumeric (init not run) the PLMN is fetched.
   */
  async operator(): Promise<OperatorInfo> {
    const first = await this.readCops();
    const info: OperatorInfo = { mode: copsModeName(first.mode), name: null, plmn: null, rat: ratOfAct(first.act) };
    if (first.oper === null) return info;
    if (first.format === 2 && /^\d{5,6}$/.test(first.oper)) {
      info.plmn = first.oper;
      info.name = await this.operatorName();
    } else {
      info.name = first.oper;
      const numeric = await this.copsInFormat(2);
      if (numeric?.oper && /^\d{5,6}$/.test(numeric.oper)) info.plmn = numeric.oper;
    }
    return info;
  }

  /** The long alphanumeric operator name; vendors may override with a cheaper command (e.g. AT+QSPN). */
  protected async operatorName(): Promise<string | null> {
    const r = await this.copsInFormat(0);
    return r && r.format !== 2 ? r.oper : null;
  }

  protected async readCops(): Promise<CopsReading> {
    const lines = await this.execOk({ cmd: 'AT+COPS?', prefixes: ['+COPS:'] });
    return this.pick('AT+COPS?', lines, parseCops);
  }

  /** `AT+COPS=3,<format>`, `AT+COPS?`, then back to the numeric format init() chose. Null when refused. */
  protected async copsInFormat(format: 0 | 1 | 2): Promise<CopsReading | null> {
    const set = await this.channel.send({ cmd: `AT+COPS=3,${format}` });
    if (!set.ok) return null;
    try {
      const r = await this.channel.send({ cmd: 'AT+COPS?', prefixes: ['+COPS:'] });
      return r.ok ? (firstValue(r.lines, parseCops) ?? null) : null;
    } finally {
      if (format !== 2) {
        const back = await this.channel.send({ cmd: 'AT+COPS=3,2' });
        if (!back.ok) this.log.warn({ final: describeFinal(back.final) }, 'could not restore the numeric +COPS format');
      }
    }
  }

  async signal(): Promise<Signal> {
    const lines = await this.execOk({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] });
    return this.pick('AT+CSQ', lines, parseCsq);
  }

  /** IMS registration via AT+CIREG? (TS 27.007 §8.71); null when the modem does not support it. */
  async volte(): Promise<boolean | null> {
    const r = await this.channel.send({ cmd: 'AT+CIREG?', prefixes: ['+CIREG:'] });
    if (!r.ok) return null;
    const v = firstValue(r.lines, parseCireg);
    return v ? v.registered : null;
  }

  /** AT+COPS=0 or AT+COPS=1,2,"<plmn>"[,<AcT>] (TS 27.007 §7.3). */
  async selectOperator(sel: OperatorSelection): Promise<void> {
    let cmd: string;
    if (sel.mode === 'auto') cmd = 'AT+COPS=0';
    else {
      if (!/^\d{5,6}$/.test(sel.plmn)) throw new InvalidArgumentError(`PLMN must be MCC+MNC (5 or 6 digits), got ${JSON.stringify(sel.plmn)}`);
      if (sel.act !== undefined && !(Number.isInteger(sel.act) && sel.act >= 0 && sel.act <= 13)) {
        throw new InvalidArgumentError(`AcT must be an integer 0..13 (TS 27.007 §7.3), got ${sel.act}`);
      }
      cmd = `AT+COPS=1,2,"${sel.plmn}"${sel.act !== undefined ? `,${sel.act}` : ''}`;
    }
    await this.execOk({ cmd, timeoutMs: this.timeouts.selectOperator, network: true });
  }

  // ------------------------------------------------------------------------------------------------------
  // Voice calls

  /**
   * `ATD<number>;` (V.250 §6.3.1; the `;` makes it a voice call, TS 27.007 §6.2). Resolves on OK; a
   * BUSY / NO CARRIER / NO ANSWER / NO DIALTONE final rejects with ModemCommandError (see `.final.kind`).
   */
  async dial(number: string): Promise<void> {
    if (!DIAL_STRING.test(number) || !/\d/.test(number)) {
      throw new InvalidArgumentError(`dial string may hold only digits, +, * and # (1 to 64 characters), got ${JSON.stringify(number)}`);
    }
    await this.execOk({ cmd: `ATD${number};`, extraFinals: DIAL_FINALS, timeoutMs: this.timeouts.dial, priority: 'high', network: true });
  }

  /** ATA (V.250 §6.3.5); NO CARRIER when the caller gave up first. */
  async answer(): Promise<void> {
    await this.execOk({ cmd: 'ATA', extraFinals: ['NO CARRIER'], timeoutMs: this.timeouts.answer, priority: 'high', network: true });
  }

  async hangup(): Promise<void> {
    await runQuery(this.channel, 'hangup', this.hangupSteps());
  }

  /**
   * AT+CHUP (TS 27.007 §6.5) ends every call; ATH (V.250 §6.3.6) is the fallback, which some modems
   * apply to voice calls only with +CVHU=0. Both jump the queue.
   */
  protected hangupSteps(): SeqStep<true>[] {
    return [
      { cmd: { cmd: 'AT+CHUP', priority: 'urgent', timeoutMs: this.timeouts.hangup, network: true }, on: (r) => (r.ok ? done(true as const) : next), optional: true },
      {
        cmd: { cmd: 'ATH', priority: 'urgent', timeoutMs: this.timeouts.hangup, network: true },
        on: (r) => (r.ok ? done(true as const) : fail(`ATH: ${describeFinal(r.final)}`)),
      },
    ];
  }

  async listCalls(): Promise<CallInfo[]> {
    const lines = await this.execOk({ cmd: 'AT+CLCC', prefixes: ['+CLCC:'] });
    const calls: CallInfo[] = [];
    for (const l of lines) {
      const c = parseClcc(l);
      if (c.ok) calls.push(c.value);
      else this.log.warn({ error: c.error }, 'unreadable +CLCC row');
    }
    return calls;
  }

  /** AT+CEER (TS 27.007 §6.10); null when refused or empty. */
  async endCause(): Promise<string | null> {
    const r = await this.channel.send({ cmd: 'AT+CEER', prefixes: ['+CEER:'] });
    if (!r.ok) return null;
    return firstValue(r.lines, parseCeer) ?? null;
  }

  // ------------------------------------------------------------------------------------------------------
  // SMS

  /**
   * AT+CMGS=<length> (TS 27.005 §3.5.1, PDU mode): <length> counts the TPDU octets only, so the PDU must be
   * the SMSC address (its first octet is its own length; `00` = the SIM's default SMSC) plus exactly
   * <length> octets. Checked before sending, because a wrong length leaves the modem waiting at `> `.
   */
  async sendPdu(pduHex: string, tpduLength: number): Promise<number> {
    if (!/^([0-9A-Fa-f]{2})+$/.test(pduHex)) throw new InvalidArgumentError('PDU must be a non-empty string of hex octets');
    if (!Number.isInteger(tpduLength) || tpduLength < 1) throw new InvalidArgumentError(`TPDU length must be a positive integer, got ${tpduLength}`);
    const total = pduHex.length / 2;
    const scaOctets = 1 + parseInt(pduHex.slice(0, 2), 16);
    if (total - tpduLength !== scaOctets) {
      throw new InvalidArgumentError(
        `PDU has ${total} octets: SMSC address ${scaOctets} + TPDU ${total - scaOctets}, but the TPDU length given is ${tpduLength}`,
      );
    }
    const cmd = `AT+CMGS=${tpduLength}`;
    const lines = await this.execOk({ cmd, prefixes: ['+CMGS:'], promptData: pduHex.toUpperCase(), timeoutMs: this.timeouts.sendSms, network: true });
    return this.pick(cmd, lines, parseCmgs);
  }

  /**
   * AT+CMGR=<index> (TS 27.005 §3.4.3); null for an empty slot (no reply lines, or +CMS ERROR 321).
   * With `mem` ("SM", "ME", "SR", ...) the message is read from that memory (see `inMemory`).
   */
  async readSms(index: number, mem?: string): Promise<StoredSms | null> {
    checkIndex(index);
    return this.withStorage(() => this.inMemory(mem, () => this.cmgr(index)));
  }

  private async cmgr(index: number): Promise<StoredSms | null> {
    const cmd = `AT+CMGR=${index}`;
    const r = await this.channel.send({ cmd, prefixes: ['+CMGR:'], pduAfter: ['+CMGR:'], timeoutMs: this.timeouts.readSms });
    if (!r.ok) {
      if (r.final.kind === 'CMS ERROR' && r.final.code === 321) return null;
      throw new ModemCommandError(cmd, r.final, r.lines);
    }
    if (r.lines.length === 0) return null;
    const m = parseCmgr(r.lines, index);
    if (!m.ok) throw new ModemResponseError(cmd, m.error, r.lines);
    return m.value;
  }

  /** AT+CMGL=<stat> (TS 27.005 §3.4.2): 0 unread, 1 read, 2 unsent, 3 sent, 4 all (default); of `mem` when given. */
  async listSms(stat = 4, mem?: string): Promise<StoredSms[]> {
    if (!Number.isInteger(stat) || stat < 0 || stat > 4) throw new InvalidArgumentError(`+CMGL <stat> must be 0..4, got ${stat}`);
    return this.withStorage(() =>
      this.inMemory(mem, async () => {
        const lines = await this.execOk({ cmd: `AT+CMGL=${stat}`, prefixes: ['+CMGL:'], pduAfter: ['+CMGL:'], timeoutMs: this.timeouts.listSms });
        const { messages, errors } = parseCmgl(lines);
        for (const error of errors) this.log.warn({ error }, 'unreadable +CMGL entry');
        return messages;
      }),
    );
  }

  /** AT+CMGD=<index> (TS 27.005 §3.5.4); in `mem` when given. */
  async deleteSms(index: number, mem?: string): Promise<void> {
    checkIndex(index);
    return this.withStorage(() =>
      this.inMemory(mem, async () => {
        await this.execOk({ cmd: `AT+CMGD=${index}`, timeoutMs: this.timeouts.readSms });
      }),
    );
  }

  /**
   * The message memories (AT+CPMS=?, TS 27.005 §3.2.2, the <mem1> list: memories that can be read and
   * deleted): `messages` where received messages can be kept ("SM", "ME"; else "MT"; empty when the
   * modem does not say, meaning the current memory only) and `reports`, the memory that keeps status
   * reports apart ("SR"), or null. Asked once per driver.
   */
  smsMemories(): Promise<SmsMemories> {
    this.memoriesAsked ??= this.askMemories().catch((e: unknown) => {
      this.memoriesAsked = null;
      throw e;
    });
    return this.memoriesAsked;
  }

  private memoriesAsked: Promise<SmsMemories> | null = null;

  protected async askMemories(): Promise<SmsMemories> {
    const r = await this.channel.send({ cmd: 'AT+CPMS=?', prefixes: ['+CPMS:'] });
    const lists = r.ok ? firstValue(r.lines, parseCpmsTest) : undefined;
    if (!lists) {
      this.log.debug({ final: r.final }, 'AT+CPMS=? gave no memory list; only the current memory is swept');
      return { messages: [], reports: null };
    }
    const mem1 = lists[0]!;
    const own = ['SM', 'ME'].filter((m) => mem1.includes(m));
    return { messages: own.length > 0 ? own : mem1.includes('MT') ? ['MT'] : [], reports: mem1.includes('SR') ? 'SR' : null };
  }

  /** Serialises the message-storage commands, because `inMemory` switches the read memory for a while. */
  private storage: Promise<unknown> = Promise.resolve();

  protected withStorage<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.storage.then(fn, fn);
    this.storage = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `fn` with <mem1> (the memory +CMGR/+CMGL/+CMGD act on, TS 27.005 §3.2.2) set to `mem`, then puts
   * back the <mem1> that was in use: AT+CPMS? tells the current one; AT+CPMS="<mem>" changes only <mem1>,
   * so the receive memory (<mem3>) stays as initSms set it. Without `mem`, just `fn`.
   */
  protected async inMemory<T>(mem: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (mem === undefined) return fn();
    const want = mem.toUpperCase();
    if (!/^[A-Z]{2}$/.test(want)) throw new InvalidArgumentError(`message memory must be two letters (SM, ME, SR, ...), got ${JSON.stringify(mem)}`);
    const lines = await this.execOk({ cmd: 'AT+CPMS?', prefixes: ['+CPMS:'] });
    const current = firstValue(lines, parseCpms)?.[0]?.mem;
    if (!current) throw new ModemResponseError('AT+CPMS?', 'no current <mem1> in the reply', lines);
    if (current.toUpperCase() === want) return fn();
    await this.execOk({ cmd: `AT+CPMS="${want}"`, prefixes: ['+CPMS:'] });
    try {
      return await fn();
    } finally {
      const back = await this.channel.send({ cmd: `AT+CPMS="${current}"`, prefixes: ['+CPMS:'] }).catch(() => null);
      if (!back?.ok) this.log.error({ mem: current }, `could not restore the SMS read memory after using "${want}"`);
    }
  }

  /**
   * AT+CNMA (TS 27.005 §3.4.4): positive acknowledgement of a +CMT/+CDS routed directly to us (only needed
   * with +CSMS=1 and a +CNMI mode that routes them; the default settings store them instead).
   * +CMS ERROR 340 "no +CNMA acknowledgement expected" is not a failure.
   */
  async ackSms(): Promise<void> {
    const r = await this.channel.send({ cmd: 'AT+CNMA', priority: 'high' });
    if (r.ok) return;
    if (r.final.kind === 'CMS ERROR' && r.final.code === 340) {
      this.log.debug('AT+CNMA: no acknowledgement was expected');
      return;
    }
    throw new ModemCommandError('AT+CNMA', r.final, r.lines);
  }

  /** AT+CSCA? (TS 27.005 §3.3.1). */
  async smsc(): Promise<string | null> {
    const lines = await this.execOk({ cmd: 'AT+CSCA?', prefixes: ['+CSCA:'] });
    return this.pick('AT+CSCA?', lines, parseCsca).address;
  }

  // ------------------------------------------------------------------------------------------------------
  // USSD

  /**
   * AT+CUSD=1,"<code>",15 (TS 27.007 §7.15; dcs 15 = GSM 7-bit, language unspecified, TS 23.038 §5).
   * The reply is a +CUSD URC, before or after OK; no `prefixes` so it always reaches handleUrc.
   */
  async sendUssd(code: string): Promise<void> {
    if (!USSD_STRING.test(code)) throw new InvalidArgumentError(`USSD string may hold only digits, *, # and + (1 to 160), got ${JSON.stringify(code)}`);
    await this.execOk({ cmd: `AT+CUSD=1,"${code}",15`, bare: false, timeoutMs: this.timeouts.ussd, network: true });
  }

  /** AT+CUSD=2 closes the session; a refusal (no session open) is logged, not thrown. */
  async cancelUssd(): Promise<void> {
    const r = await this.channel.send({ cmd: 'AT+CUSD=2', bare: false });
    if (!r.ok) this.log.debug({ final: describeFinal(r.final) }, 'AT+CUSD=2 refused (no open session?)');
  }

  // ------------------------------------------------------------------------------------------------------
  // Vendor-only capabilities and reset

  async enableUsbAudio(): Promise<void> {
    throw new UnsupportedError('USB audio', this.family);
  }

  async writeImei(_imei: string): Promise<void> {
    throw new UnsupportedError('writing the IMEI', this.family);
  }

  /** Serialises httpCheck(): a module has one HTTP client. */
  private http: Promise<unknown> = Promise.resolve();

  /** See ModemDriver.httpCheck; one check at a time (later ones wait their turn). */
  httpCheck(opts: HttpCheckOptions): Promise<HttpCheckResult> {
    const run = this.http.then(
      () => this.runHttpCheck(opts),
      () => this.runHttpCheck(opts),
    );
    this.http = run.catch(() => undefined);
    return run;
  }

  /** The vendor's HTTP check. TS 27.007 defines no HTTP client: only vendor families (Quectel, SIMCom) have one. */
  protected async runHttpCheck(_opts: HttpCheckOptions): Promise<HttpCheckResult> {
    const e = new UnsupportedError('the HTTP connectivity check', this.family);
    e.message = `the ${this.family} driver has no built-in HTTP client (the data connectivity check needs a Quectel or SIMCom modem)`;
    throw e;
  }

  /**
   * Full restart. The port may vanish before OK arrives; a closed port during the reset counts as done.
   */
  async reset(): Promise<void> {
    try {
      await runSequence(this.channel, this.resetSteps());
    } catch (e) {
      if (e instanceof AtClosedError) {
        this.log.info('AT port closed during reset (the modem is restarting)');
        return;
      }
      throw e;
    }
  }

  /** AT+CFUN=1,1 (TS 27.007 §8.2: full functionality with MT reset); else CFUN=0 then CFUN=1. */
  protected resetSteps(): SeqStep<true>[] {
    const t = this.timeouts.cfun;
    return [
      { cmd: { cmd: 'AT+CFUN=1,1', timeoutMs: t, network: true }, on: (r) => (r.ok ? done(true as const) : next) },
      { cmd: { cmd: 'AT+CFUN=0', timeoutMs: t, network: true }, on: (r) => (r.ok ? next : fail(`AT+CFUN=0: ${describeFinal(r.final)}`)) },
      { cmd: { cmd: 'AT+CFUN=1', timeoutMs: t, network: true }, on: (r) => (r.ok ? done(true as const) : fail(`AT+CFUN=1: ${describeFinal(r.final)}`)) },
    ];
  }
}

/**
 * `+CCLK: "yy/MM/dd,hh:mm:ss±zz"` (TS 27.007 §8.15: local time, zone in quarter hours) → UTC and zone;
 * null for a clock still at its power-on default (a year before 2025: the network never set it);
 * undefined when the line is not a +CCLK answer.
 */
export function parseCclk(line: string): { utcMs: number; tzMinutes: number } | null | undefined {
  const m = /^\+CCLK:\s*"(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d\d?)?"/.exec(line.trim());
  if (!m) return undefined;
  const [yy, mo, dd, hh, mi, ss] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const year = yy >= 70 ? 1900 + yy : 2000 + yy; // "80/01/06" is the RTC's 1980 default
  if (year < 2025 || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return null;
  const tzMinutes = m[7] ? Number(m[7]) * 15 : 0;
  return { utcMs: Date.UTC(year, mo - 1, dd, hh, mi, ss) - tzMinutes * 60_000, tzMinutes };
}

/** The first line `parse` accepts, else undefined. */
export function firstValue<T>(lines: readonly string[], parse: (line: string) => ParseResult<T>): T | undefined {
  for (const l of lines) {
    const r = parse(l);
    if (r.ok) return r.value;
  }
  return undefined;
}

/** A +CRSM reply to READ BINARY of EF_ICCID: status 90 00 (or 91 xx) and the swapped-BCD bytes. */
function iccidFromCrsm(line: string): ParseResult<string> {
  const c = parseCrsm(line);
  if (!c.ok) return c;
  if (c.value.sw1 !== 0x90 && c.value.sw1 !== 0x91) return { ok: false, error: `+CRSM: SIM status ${c.value.sw1},${c.value.sw2}` };
  return iccidFromEf(c.value.response);
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > 65535) throw new InvalidArgumentError(`message index must be an integer 0..65535, got ${index}`);
}

function redactCmd(cmd: string): string {
  const eq = cmd.indexOf('=');
  return eq < 0 ? cmd : `${cmd.slice(0, eq + 1)}<redacted>`;
}

