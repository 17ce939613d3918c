/**
 * The state of one simulated modem behind its AT port: settings, SIM, network attachment, the call, the
 * message memories, and the unsolicited result codes all of these produce. The command handlers
 * (commands-*.ts) read and change it; SimulatedModem (simulated-modem.ts) owns the port and the timing.
 *
 * Event-driven only: the network's AttachmentEvents and the host's commands are the only inputs; the
 * only timers are the RING repetition while a call is incoming, the +CNMA wait after a +CMT/+CDS, and a
 * manual +COPS selection waiting for its outcome.
 */
import { bytesToHex, encodeSmscAddress, isGsm7 } from '../../../src/gsm/index.js';
import type { Logger } from '../../../src/util/log.js';
import type {
  Attachment,
  AttachmentEvents,
  CallEndCause,
  CallLeg,
  CallLegState,
  Clock,
  RadioNetwork,
  Rat,
  RegState,
  SimCard,
  Timing,
  UssdReply,
} from '../types.js';
import { encodeString, type Charset } from './charset.js';
import type { DialectProfile } from './dialect.js';
import type { Outcome } from './outcome.js';
import { simRuntime, type SimRuntime } from './sim-runtime.js';
import { PacketData } from './packet-data.js';
import { CombinedMemory, MessageMemory, type Memory } from './sms-store.js';

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
  cusd: 0 | 1;
  cireg: 0 | 1 | 2;
  /** S-registers (V.250 §6.2): S0 auto-answer rings, S3 CR, S4 LF, S5 BS, S7 connection wait. */
  sregs: Map<number, number>;
  /** +QINDCFG URCs (Quectel). */
  qind: { csq: boolean; act: boolean; smsfull: boolean };
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
    qind: { csq: false, act: false, smsfull: false },
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

export interface CallSession {
  readonly leg: CallLeg;
  readonly direction: 'mo' | 'mt';
  readonly number: string;
  state: CallLegState;
  /** clock time the call became active. */
  connectedAt: number | null;
  startedAt: number;
  rings: number;
  ringTimer: { cancel(): void } | null;
  unsubscribe: () => void;
}

/** +CEER texts (TS 24.008 Table 10.5.123 cause names). */
const CEER_TEXT: Record<CallEndCause, string> = {
  normal: 'Normal call clearing',
  busy: 'User busy',
  'no-answer': 'No answer from user (user alerted)',
  rejected: 'Call rejected',
  unreachable: 'Subscriber absent',
  'network-failure': 'Network out of order',
};

/** The +CNMA wait (TS 27.005 §3.4.4; TS 24.011 TR2M is 12 to 20 s). */
export const CNMA_TIMEOUT_MS = 15_000;
/** RING repetition while an incoming call waits (every 3 s, as EC25 and SIM7600 do). */
export const RING_INTERVAL_MS = 3_000;
/** Longest manual operator selection (+COPS=1) waits for the network's outcome. */
export const COPS_SELECT_WAIT_MS = 60_000;
/** TE buffer for indications while +CNMI <mode>=0 (TS 27.005 §3.4.1). */
const TA_BUFFER = 20;

export class ModemCore {
  s: Settings;
  imei: string;
  /** +CFUN <fun>. */
  fun: 0 | 1 | 4 = 1;
  /** +COPS <mode>: 0 automatic, 1 manual, 2 deregistered. */
  copsMode: 0 | 1 | 2 = 0;
  manualPlmn: string | null = null;
  powered = false;
  sim: SimCard | null = null;
  pinVerified = false;
  attachment: Attachment | null = null;
  regState: RegState = 'not-registered';
  rat: Rat | null = null;
  rssi = 99;
  call: CallSession | null = null;
  lastCause: CallEndCause | null = null;
  readonly me: MessageMemory;
  readonly sr: MessageMemory;
  /** TP-MR counter (TS 23.040 §9.2.3.6: the MS assigns it). */
  mr = 0;
  /** A +CMT / +CDS waits for +CNMA (only with +CSMS=1). */
  ackPending: { timer: { cancel(): void }; store: () => void } | null = null;
  /** USSD dialogue open (the network asked for more, <m>=1). */
  ussdOpen = false;
  /** Quectel AT+QPCMV <enable>,<port>; SIMCom AT+CPCMREG. */
  usbAudio: { enabled: boolean; port: number } = { enabled: false, port: 0 };
  /** Quectel AT+QCFG="ims" <value>. */
  imsConfig = 0;
  /** PDP contexts and the HTTP client (commands-data.ts); new at every power-on. */
  packet = new PacketData();
  private readonly taBuffer: string[][] = [];
  private readonly reported = new Map<'creg' | 'cgreg' | 'cereg', string>();
  private readonly reportedCell = new Map<'creg' | 'cgreg' | 'cereg', string>();
  private readonly timers = new Set<{ cancel(): void }>();
  private regWaiters: ((state: RegState) => void)[] = [];

  constructor(
    readonly profile: DialectProfile,
    readonly network: RadioNetwork,
    readonly clock: Clock,
    readonly timing: Timing,
    readonly log: Logger | undefined,
    imei: string,
    public host: CoreHost,
  ) {
    this.imei = imei;
    this.s = defaultSettings(profile);
    this.me = new MessageMemory('ME', profile.capacity.ME);
    this.sr = new MessageMemory('SR', profile.capacity.SR);
  }

  // ------------------------------------------------------------------------------------------------------
  // Timers (cancelled by close())

  timer(fn: () => void, ms: number): { cancel(): void } {
    const wrapped = {
      cancel: () => {
        this.timers.delete(wrapped);
        h.cancel();
      },
    };
    const h = this.clock.setTimeout(() => {
      this.timers.delete(wrapped);
      fn();
    }, ms);
    this.timers.add(wrapped);
    return wrapped;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  // ------------------------------------------------------------------------------------------------------
  // Power

  /** Power-on / reboot: settings back to defaults, SIM read again, attach when possible. */
  powerOn(): void {
    this.powered = true;
    this.s = defaultSettings(this.profile);
    this.fun = 1;
    this.copsMode = 0;
    this.manualPlmn = null;
    this.pinVerified = false;
    this.usbAudio = { enabled: false, port: 0 };
    this.ussdOpen = false;
    this.packet = new PacketData();
    this.taBuffer.length = 0;
    this.reported.clear();
    this.reportedCell.clear();
    this.updateAttachment();
  }

  /** Power loss or restart: the network loses the UE, the call drops, timers stop. */
  powerOff(): void {
    this.powered = false;
    this.dropCall('network-failure', false);
    this.detach();
    this.cancelTimers();
  }

  cancelTimers(): void {
    for (const t of [...this.timers]) t.cancel();
    this.timers.clear();
    if (this.call?.ringTimer) this.call.ringTimer = null;
    this.ackPending = null;
    const w = this.regWaiters;
    this.regWaiters = [];
    for (const f of w) f('not-registered');
  }

  /** The boot URCs after power-on, in the order of fixtures/<vendor>/<model>/startup.txt. */
  bootUrcs(): string[] {
    const out: string[] = [];
    if (this.profile.bootUrc) out.push(this.profile.bootUrc);
    out.push(...this.simUrcs());
    return out;
  }

  /** +CPIN: … and, for a ready SIM, the vendor's SIM-initialised URCs. */
  simUrcs(): string[] {
    const st = this.pinState();
    if (st === 'NOT INSERTED') return ['+CPIN: NOT INSERTED'];
    if (st === 'SIM FAILURE') return [];
    if (st !== 'READY') return [`+CPIN: ${st}`];
    return ['+CPIN: READY', ...this.profile.simReadyUrcs];
  }

  // ------------------------------------------------------------------------------------------------------
  // SIM

  get simRt(): SimRuntime | null {
    return this.sim ? simRuntime(this.sim, this.profile.capacity.SM) : null;
  }

  pinState(): PinState {
    const rt = this.simRt;
    if (!rt) return 'NOT INSERTED';
    if (rt.dead) return 'SIM FAILURE';
    if (rt.pinBlocked) return 'SIM PUK';
    if (rt.pin !== null && !this.pinVerified) return 'SIM PIN';
    return 'READY';
  }

  /** The +CME ERROR a SIM-dependent command gets now, or null when the SIM is ready (TS 27.007 §9.2.1). */
  simError(): number | null {
    switch (this.pinState()) {
      case 'READY':
        return null;
      case 'NOT INSERTED':
        return 10;
      case 'SIM PIN':
        return 11;
      case 'SIM PUK':
        return 12;
      case 'SIM FAILURE':
        return 13;
    }
  }

  /** Puts another card (or none) in the active holder, announcing it as the vendor does on hot-swap. */
  setSim(sim: SimCard | null): void {
    if (sim === this.sim) return;
    const had = this.sim !== null;
    this.dropCall('network-failure', true);
    this.detach();
    this.sim = sim;
    this.pinVerified = false;
    if (this.powered) {
      if (had) this.host.urc(['+CPIN: NOT READY']);
      if (sim) for (const u of this.simUrcs()) this.host.urc([u]);
    }
    this.updateAttachment();
  }

  /** The SIM became ready (PIN or PUK accepted): the vendor's URCs, then attach. */
  simUnlocked(): void {
    for (const u of this.simUrcs()) this.host.urc([u]);
    this.updateAttachment();
  }

  // ------------------------------------------------------------------------------------------------------
  // Network attachment

  /** Attached iff powered, +CFUN=1, SIM ready and not deregistered with +COPS=2. */
  updateAttachment(): void {
    const want = this.powered && this.fun === 1 && this.sim !== null && this.pinState() === 'READY' && this.copsMode !== 2;
    if (want && !this.attachment) this.attach();
    else if (!want && this.attachment) {
      this.dropCall('network-failure', true);
      this.detach();
    }
  }

  private attach(): void {
    const sim = this.sim!;
    let att: Attachment | null = null;
    const live = () => att !== null && att === this.attachment;
    const events: AttachmentEvents = {
      registration: (state, rat) => {
        if (att === null || live()) this.onRegistration(state, rat);
      },
      signal: (rssi) => {
        if (att === null || live()) this.onSignal(rssi);
      },
      incomingCall: (leg) => {
        if (live()) this.onIncomingCall(leg);
        else leg.hangup();
      },
      sms: (tpdu, smsc) => {
        if (live()) this.onSms(tpdu, smsc);
      },
      statusReport: (tpdu, smsc) => {
        if (live()) this.onStatusReport(tpdu, smsc);
      },
      ussd: (reply) => {
        if (live()) this.onUssd(reply);
      },
    };
    try {
      att = this.network.attach(this.imei, sim, events);
    } catch (err) {
      this.log?.warn({ err }, 'simulated modem: network refused the attachment');
      return;
    }
    this.attachment = att;
    if (this.manualPlmn && this.copsMode === 1) att.selectPlmn(this.manualPlmn);
    this.onRegistration(att.state, att.rat);
    this.onSignal(att.rssi);
  }

  detach(): void {
    const att = this.attachment;
    if (!att) return;
    this.attachment = null;
    try {
      att.detach();
    } catch (err) {
      this.log?.warn({ err }, 'simulated modem: detach threw');
    }
    this.ussdOpen = false;
    this.onRegistration('not-registered', null);
    this.rssi = 99;
  }

  private onSignal(rssi: number): void {
    const changed = rssi !== this.rssi;
    this.rssi = rssi;
    if (changed && this.s.qind.csq && this.profile.dialect === 'quectel-ec25') this.host.urc([`+QIND: "csq",${rssi},99`]);
  }

  private onRegistration(state: RegState, rat: Rat | null): void {
    const ratChanged = rat !== this.rat;
    this.regState = state;
    this.rat = rat;
    if (ratChanged && rat && this.s.qind.act && this.profile.dialect === 'quectel-ec25') {
      this.host.urc([`+QIND: "act","${rat === '4G' ? 'LTE' : rat === '3G' ? 'WCDMA' : 'GSM'}"`]);
    }
    // TS 27.007 §7.2 / §10.1.20 / §10.1.22: a URC when <stat> (or, with <n>=2, the cell) changes.
    for (const d of ['creg', 'cgreg', 'cereg'] as const) {
      const stat = String(this.regStat(d));
      const where = stat === '1' || stat === '5' ? `${JSON.stringify(this.cell())},${this.act()}` : '';
      const statChanged = this.reported.get(d) !== stat;
      const cellChanged = this.reportedCell.get(d) !== where;
      this.reported.set(d, stat);
      this.reportedCell.set(d, where);
      const n = this.s[d];
      if ((n > 0 && statChanged) || (n === 2 && cellChanged)) this.host.urc([this.regLine(d, false)]);
    }
    const w = this.regWaiters;
    if (state !== 'searching' && w.length > 0) {
      this.regWaiters = [];
      for (const f of w) f(state);
    }
  }

  /** Resolves with the next registration outcome other than 'searching' (or 'not-registered' on timeout). */
  waitRegistration(ms: number): Promise<RegState> {
    return new Promise((resolve) => {
      let done = false;
      const t = this.timer(() => finish('not-registered'), ms);
      const finish = (s: RegState) => {
        if (done) return;
        done = true;
        t.cancel();
        this.regWaiters = this.regWaiters.filter((f) => f !== finish);
        resolve(s);
      };
      this.regWaiters.push(finish);
    });
  }

  get registered(): boolean {
    return this.attachment !== null && (this.regState === 'home' || this.regState === 'roaming');
  }

  /** <stat> of TS 27.007 §7.2 for a domain; EPS (+CEREG) is registered only on E-UTRAN. */
  regStat(domain: 'creg' | 'cgreg' | 'cereg'): number {
    const st = this.regState;
    if (domain === 'cereg' && this.rat !== '4G' && (st === 'home' || st === 'roaming')) return 0;
    return { 'not-registered': 0, home: 1, searching: 2, denied: 3, roaming: 5 }[st];
  }

  /** <AcT> of TS 27.007 §7.3: 0 GSM, 2 UTRAN, 7 E-UTRAN. */
  act(): number | null {
    return this.rat === '4G' ? 7 : this.rat === '3G' ? 2 : this.rat === '2G' ? 0 : null;
  }

  /** LAC/TAC and cell id as 4 and 8 hex digits, derived from the PLMN and IMEI (the network does not tell). */
  cell(): { lac: string; ci: string } {
    const plmn = this.attachment?.operator?.plmn ?? this.sim?.plmn ?? '00000';
    const h = (s: string) => {
      let x = 2166136261;
      for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619) >>> 0;
      return x >>> 0;
    };
    const lac = (h(plmn) & 0xfffe) | 1;
    const ci = (h(plmn + this.imei.slice(0, 8)) & 0x0fffffff) | 0x100;
    return { lac: lac.toString(16).toUpperCase().padStart(4, '0'), ci: ci.toString(16).toUpperCase().padStart(8, '0') };
  }

  /** `+CREG: [<n>,]<stat>[,"<lac>","<ci>",<AcT>]` (query form when `query`). */
  regLine(d: 'creg' | 'cgreg' | 'cereg', query: boolean): string {
    const n = this.s[d];
    const stat = this.regStat(d);
    const prefix = `+${d.toUpperCase()}: `;
    let s = query ? `${prefix}${n},${stat}` : `${prefix}${stat}`;
    const act = d === 'cereg' ? 7 : this.act();
    if (n === 2 && (stat === 1 || stat === 5) && act !== null) {
      const c = this.cell();
      s += `,"${c.lac}","${c.ci}",${act}`;
    }
    return s;
  }

  // ------------------------------------------------------------------------------------------------------
  // Calls

  /** ATD: the network call; OK at once, progress as URCs. */
  dial(number: string): Outcome {
    const att = this.attachment;
    if (!att || !this.registered) {
      this.lastCause = 'network-failure';
      return { final: { kind: 'NO CARRIER' } };
    }
    if (this.call) return { final: { kind: 'CME', code: 3 } };
    let leg: CallLeg;
    try {
      leg = att.dial(number);
    } catch (err) {
      this.log?.warn({ err }, 'simulated modem: network dial threw');
      this.lastCause = 'network-failure';
      return { final: { kind: 'NO CARRIER' } };
    }
    this.startSession(leg, 'mo', number);
    return {};
  }

  private startSession(leg: CallLeg, direction: 'mo' | 'mt', number: string): CallSession {
    const session: CallSession = {
      leg,
      direction,
      number,
      state: direction === 'mo' ? 'dialing' : 'incoming',
      connectedAt: null,
      startedAt: this.clock.now(),
      rings: 0,
      ringTimer: null,
      unsubscribe: () => undefined,
    };
    this.call = session;
    session.unsubscribe = leg.onState((state, cause) => this.onLegState(session, state, cause));
    if (leg.state !== session.state) this.onLegState(session, leg.state);
    return session;
  }

  private onIncomingCall(leg: CallLeg): void {
    if (this.call || !this.registered) {
      // One call at a time: a second caller hears busy (no call waiting in this simulation).
      leg.hangup();
      return;
    }
    const s = this.startSession(leg, 'mt', leg.remote);
    if (s.state === 'incoming') this.ring(s);
  }

  /** RING, +CLIP (TS 27.007 §7.6) and, with S0>0, auto-answer (V.250 §6.3.8); repeats every 3 s. */
  private ring(s: CallSession): void {
    if (this.call !== s || s.state !== 'incoming') return;
    s.rings++;
    this.host.urc(['RING']);
    if (this.s.clip) this.host.urc([this.clipLine(s.number)]);
    const s0 = this.s.sregs.get(0) ?? 0;
    if (s0 > 0 && s.rings >= s0) {
      s.leg.answer();
      return;
    }
    s.ringTimer = this.timer(() => {
      s.ringTimer = null;
      this.ring(s);
    }, RING_INTERVAL_MS);
  }

  clipLine(number: string): string {
    return `+CLIP: "${number}",${numberType(number)},"",0,"",0`;
  }

  private onLegState(s: CallSession, state: CallLegState, cause?: CallEndCause): void {
    if (this.call !== s) return;
    const before = s.state;
    s.state = state;
    if (state !== 'incoming' && s.ringTimer) {
      s.ringTimer.cancel();
      s.ringTimer = null;
    }
    if (state === 'active' && before !== 'active') {
      s.connectedAt = this.clock.now();
      if (this.profile.voiceCallUrcs) this.host.urc(['VOICE CALL: BEGIN']);
    }
    if (state === 'ended') this.remoteEnded(s, before, cause ?? 'normal');
  }

  /** The network or the other party ended the call: NO CARRIER / BUSY / NO ANSWER (V.250 §5.7.1). */
  private remoteEnded(s: CallSession, before: CallLegState, cause: CallEndCause): void {
    this.endSession(s);
    this.lastCause = cause;
    const simcom = this.profile.voiceCallUrcs;
    if (s.direction === 'mt' && before === 'incoming') {
      if (simcom) this.host.urc([`MISSED_CALL: ${clockTime(this.clock.now())} ${s.number}`]);
      else this.host.urc(['NO CARRIER']);
      return;
    }
    const end = simcom ? `VOICE CALL: END: ${this.duration(s)}` : null;
    const result = s.connectedAt !== null ? 'NO CARRIER' : cause === 'busy' || cause === 'rejected' ? 'BUSY' : cause === 'no-answer' ? 'NO ANSWER' : 'NO CARRIER';
    // fixtures/simcom/sim7600/call-end-busy.txt: BUSY then VOICE CALL: END; call-end-no-carrier.txt: the other way round.
    if (end && result === 'NO CARRIER') this.host.urc([end]);
    this.host.urc([result]);
    if (end && result !== 'NO CARRIER') this.host.urc([end]);
  }

  private endSession(s: CallSession): void {
    s.unsubscribe();
    if (s.ringTimer) s.ringTimer.cancel();
    s.ringTimer = null;
    if (this.call === s) this.call = null;
    if (this.profile.audio === 'cpcmreg') this.usbAudio.enabled = false;
  }

  /** <hhmmss> of VOICE CALL: END. */
  duration(s: CallSession): string {
    const secs = s.connectedAt === null ? 0 : Math.floor((this.clock.now() - s.connectedAt) / 1000);
    const h = Math.floor(secs / 3600);
    const m = Math.floor((secs % 3600) / 60);
    return [h, m, secs % 60].map((v) => String(v).padStart(2, '0')).join('');
  }

  /** ATH / AT+CHUP: ends the call locally; the lines the dialect prints inside the reply. */
  hangupLocal(): string[] {
    const s = this.call;
    if (!s) return [];
    this.endSession(s);
    this.lastCause = 'normal';
    try {
      s.leg.hangup();
    } catch (err) {
      this.log?.warn({ err }, 'simulated modem: leg.hangup threw');
    }
    return this.profile.voiceCallUrcs ? [`VOICE CALL: END: ${this.duration(s)}`] : [];
  }

  /** The call is lost without the host asking (SIM removed, detach, power): NO CARRIER when announced. */
  dropCall(cause: CallEndCause, announce: boolean): void {
    const s = this.call;
    if (!s) return;
    this.endSession(s);
    this.lastCause = cause;
    try {
      s.leg.hangup();
    } catch {
      // the leg is gone already
    }
    if (announce && this.powered) this.host.urc(['NO CARRIER']);
  }

  ceerText(): string {
    return this.lastCause ? CEER_TEXT[this.lastCause] : 'No cause information available';
  }

  // ------------------------------------------------------------------------------------------------------
  // SMS reception (TS 27.005 §3.4.1 +CNMI routing)

  memory(name: MemName): Memory | null {
    switch (name) {
      case 'SM':
        return this.simRt?.sm ?? null;
      case 'ME':
        return this.me;
      case 'SR':
        return this.sr;
      case 'MT':
        return new CombinedMemory(this.simRt?.sm ?? null, this.me);
    }
  }

  /** Delivers an indication now, or keeps it in the TA buffer while <mode>=0. */
  indicate(lines: string[]): void {
    if (this.s.cnmi[0] === 0) {
      this.taBuffer.push(lines);
      if (this.taBuffer.length > TA_BUFFER) this.taBuffer.shift();
      return;
    }
    this.host.urc(lines);
  }

  /** +CNMI=<mode>…,<bfr>: flush (bfr 0) or clear (bfr 1) what <mode>=0 kept. */
  cnmiChanged(): void {
    const [mode, , , , bfr] = this.s.cnmi;
    if (mode === 0) return;
    const kept = this.taBuffer.splice(0);
    if (bfr === 0) for (const l of kept) this.host.urc(l);
  }

  /**
   * An SMS-DELIVER the network hands over (also used to put a TPDU no decoder reads on the modem):
   * stored or routed as +CNMI says. False without a SIM that is ready to receive.
   */
  receiveSms(tpdu: Uint8Array, smsc: string | null): boolean {
    if (!this.powered || !this.simRt || this.pinState() !== 'READY') return false;
    this.onSms(tpdu, smsc ?? this.simRt.smsc);
    return true;
  }

  private onSms(tpdu: Uint8Array, smsc: string): void {
    const pdu = bytesToHex(encodeSmscAddress(smsc)) + bytesToHex(tpdu);
    const msg = { stat: 0 as const, pdu, length: tpdu.length };
    const mt = this.s.cnmi[1];
    const store = () => {
      const mtNow = this.s.cnmi[1];
      const memName = this.s.cpms[2];
      const mem = this.memory(memName);
      const index = mem ? mem.add(msg) : -1;
      if (index < 0) {
        this.log?.warn({ mem: memName }, 'simulated modem: SMS storage full, message dropped');
        if (this.s.qind.smsfull && this.profile.dialect === 'quectel-ec25') this.host.urc([`+QIND: "smsfull","${memName}"`]);
        return;
      }
      if (mtNow === 1 || mtNow === 2 || mtNow === 3) this.indicate([`+CMTI: "${memName}",${index}`]);
    };
    if ((mt === 2 || mt === 3) && this.ackPending === null) {
      this.indicate([`+CMT: ,${tpdu.length}`, pdu]);
      this.expectAck(store);
      return;
    }
    store();
  }

  private onStatusReport(tpdu: Uint8Array, smsc: string): void {
    const pdu = bytesToHex(encodeSmscAddress(smsc)) + bytesToHex(tpdu);
    const ds = this.s.cnmi[3];
    const store = () => {
      const index = this.sr.add({ stat: 0, pdu, length: tpdu.length });
      if (index < 0) return;
      const dsNow = this.s.cnmi[3];
      if (dsNow === 2 || dsNow === 1) this.indicate([`+CDSI: "${this.profile.cdsiMem}",${index}`]);
    };
    if (ds === 1 && this.ackPending === null) {
      this.indicate([`+CDS: ${tpdu.length}`, pdu]);
      this.expectAck(store);
      return;
    }
    if (ds === 2) store();
  }

  /**
   * With +CSMS=1 a routed +CMT/+CDS must be acknowledged with +CNMA (TS 27.005 §3.4.4). Without it the
   * ME rejects the message towards the network and turns routing off (<mt>=<ds>=0). The network here
   * cannot be told, so the message is then kept in the receive memory, as the network's retry would be.
   */
  private expectAck(store: () => void): void {
    if (this.s.csms !== 1) return;
    const timer = this.timer(() => {
      this.ackPending = null;
      this.s.cnmi[1] = 0;
      this.s.cnmi[3] = 0;
      store();
    }, CNMA_TIMEOUT_MS);
    this.ackPending = { timer, store };
  }

  /** +CNMA: true when an acknowledgement was expected. */
  acknowledge(): boolean {
    const p = this.ackPending;
    if (!p) return false;
    p.timer.cancel();
    this.ackPending = null;
    return true;
  }

  nextMr(): number {
    this.mr = (this.mr + 1) & 0xff;
    return this.mr;
  }

  // ------------------------------------------------------------------------------------------------------
  // USSD (TS 27.007 §7.15)

  onUssd(reply: UssdReply): void {
    this.ussdOpen = reply.m === 1;
    if (this.s.cusd === 0) return;
    this.host.urc([this.cusdLine(reply)]);
  }

  /** `+CUSD: <m>,"<str>",<dcs>`: GSM 7-bit text per +CSCS with dcs 15, else UCS2 hex with dcs 72. */
  cusdLine(reply: UssdReply): string {
    if (isGsm7(reply.text)) return `+CUSD: ${reply.m},"${encodeString(reply.text, this.s.cscs)}",15`;
    return `+CUSD: ${reply.m},"${encodeString(reply.text, 'UCS2')}",72`;
  }

  /** Encodes a string answer per +CSCS. */
  str(text: string): string {
    return encodeString(text, this.s.cscs);
  }

  close(): void {
    this.powerOff();
  }
}

/** <type> of address: 145 international, 129 otherwise (TS 24.008 §10.5.4.7). */
export function numberType(number: string): number {
  return number.startsWith('+') ? 145 : 129;
}

/** `11:53AM` as SIM7600 prints it in MISSED_CALL (UTC here). */
function clockTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const m = String(d.getUTCMinutes()).padStart(2, '0');
  return `${String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')}:${m}${h < 12 ? 'AM' : 'PM'}`;
}
