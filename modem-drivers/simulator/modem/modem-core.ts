/**
 * The state of one simulated modem behind its AT port: settings, SIM, network attachment, the call, the
 * message memories, and the unsolicited result codes all of these produce. The command handlers
 * (commands-*.ts) read and change it; SimulatedModem (simulated-modem.ts) owns the port and the timing.
 *
 * Event-driven only: the network's AttachmentEvents and the host's commands are the only inputs; the
 * only timers are the RING repetition while a call is incoming, the +CNMA wait after a +CMT/+CDS, and a
 * manual +COPS selection waiting for its outcome.
 */
import { isGsm7 } from '../../../src/gsm/index.js';
import type { Logger } from '../../../src/util/log.js';
import type {
  Attachment,
  AttachmentEvents,
  Clock,
  RadioNetwork,
  Rat,
  RegState,
  SimCard,
  Timing,
  UssdReply,
} from '../types.js';
import { encodeString } from './charset.js';
import type { DialectProfile } from './dialect.js';
import { simRuntime, type SimRuntime } from './sim-runtime.js';
import { defaultSettings, type CoreHost, type PinState, type Settings } from './core-settings.js';
import { CallControl } from './core-calls.js';
import { SmsReception } from './core-sms.js';
import { PacketData } from './packet-data.js';
import { MessageMemory } from './sms-store.js';

export { SLOT_IDS, defaultSettings, type CoreHost, type MemName, type PinState, type Settings, type SlotId } from './core-settings.js';

/** Longest manual operator selection (+COPS=1) waits for the network's outcome. */
export const COPS_SELECT_WAIT_MS = 60_000;

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
  /** The voice call (core-calls.ts). */
  readonly calls: CallControl = new CallControl(this);
  readonly me: MessageMemory;
  readonly sr: MessageMemory;
  /** SMS and status reports from the network (core-sms.ts). */
  readonly smsIn: SmsReception = new SmsReception(this);
  /** USSD dialogue open (the network asked for more, <m>=1). */
  ussdOpen = false;
  /** Quectel AT+QPCMV <enable>,<port>; SIMCom AT+CPCMREG. */
  usbAudio: { enabled: boolean; port: number } = { enabled: false, port: 0 };
  /** The PCM port's settings (commands-audio-port.ts); gnssOutport survives restarts, sampleRate does not. */
  audioPort: { gnssOutport: 'none' | 'usbnmea' | 'uartdebug'; sampleRate: 8000 | 16000 } = { gnssOutport: 'usbnmea', sampleRate: 8000 };
  /** Gains and echo-canceller values set by the host (commands-audio-tuning.ts). */
  readonly audioTuning = new Map<string, number>();
  /** Quectel AT+QCFG="ims" <value>. */
  imsConfig = 0;
  /** PDP contexts and the HTTP client (commands-data.ts); new at every power-on. */
  packet = new PacketData();
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
    this.audioPort.sampleRate = 8000;
    this.audioTuning.clear();
    this.ussdOpen = false;
    this.packet = new PacketData();
    this.smsIn.taBuffer.length = 0;
    this.reported.clear();
    this.reportedCell.clear();
    this.updateAttachment();
  }

  /** Power loss or restart: the network loses the UE, the call drops, timers stop. */
  powerOff(): void {
    this.powered = false;
    this.calls.dropCall('network-failure', false);
    this.detach();
    this.cancelTimers();
  }

  cancelTimers(): void {
    for (const t of [...this.timers]) t.cancel();
    this.timers.clear();
    if (this.calls.call?.ringTimer) this.calls.call.ringTimer = null;
    this.smsIn.ackPending = null;
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
    this.calls.dropCall('network-failure', true);
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
      this.calls.dropCall('network-failure', true);
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
        if (live()) this.calls.onIncomingCall(leg);
        else leg.hangup();
      },
      sms: (tpdu, smsc) => (live() ? this.smsIn.onSms(tpdu, smsc) : 'accepted'),
      statusReport: (tpdu, smsc) => {
        if (live()) this.smsIn.onStatusReport(tpdu, smsc);
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
    // A refused SMS still owed its RP-SMMA (the SIM's flag survives restarts): sent once registered.
    if (this.registered) this.smsIn.memoryMayBeAvailable();
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
