/**
 * The simulated mobile network joining all simulated SIMs (RadioNetwork of ../types.ts).
 *
 * Event-driven throughout: every delay is a one-shot timer on the injected Clock, owned by the
 * attachment, the call or the network and cancelled with its owner; with nothing in flight the
 * network holds no timer at all (a tone on an active outside call is the only repeating work, and
 * only while that call is up).
 *
 * Registration (TS 27.007 +CREG/+CEREG <stat> as RegState):
 *   - attach: 'searching', then after registrationMs 'home' on the SIM's own PLMN with its RAT
 *     (default '4G'). In automatic mode a SIM whose home PLMN is not in `operators` roams on the first
 *     operator; with no operators at all it ends 'not-registered'.
 *   - selectPlmn(p): 'searching', then after registrationMs 'home' (p is the SIM's PLMN), 'roaming'
 *     (another operator of this network: every operator accepts every SIM), or 'not-registered'
 *     (no such PLMN: no cell of it can be found). selectPlmn(null) returns to automatic.
 *   - setRegistration(imsi, 'denied' | 'searching' | 'not-registered') holds that state until
 *     setRegistration(imsi, null), which registers again.
 *   - setSignal(imsi, 99) (TS 27.007 §8.5: not detectable) is loss of coverage: 'searching' until the
 *     signal returns. Leaving a registered state drops the subscriber's calls ('network-failure').
 *   Events are only sent for changes; attach() itself never calls back synchronously.
 *
 * Calls: see call.ts for leg states. A UE with a call leg is busy, unless its subscriber's call waiting
 * is on (TS 22.083): then one more call is offered and waits; with two legs it is busy. A SIM that
 * turns an incoming call down (hang-up while it rings) gives the caller 'busy'. Unanswered calls end
 * after noAnswerMs with 'no-answer' on both legs. Known SIMs that are not registered are
 * 'unreachable'; other numbers go to the outside world (outside-world.ts, special test numbers).
 * A "#31#" prefix withholds the caller's number: the MT leg's remote is then ''.
 */
import type { Logger } from '../../../src/util/log.js';
import { silentLogger } from '../../../src/util/log.js';
import {
  type Attachment,
  type AttachmentEvents,
  type CallLeg,
  type Clock,
  type Operator,
  type Rat,
  type RadioNetwork,
  type RegState,
  type SimCard,
  type SmsDeliveryAnswer,
  type Timing,
  type UssdReply,
  ZERO_TIMING,
} from '../types.js';
import { Call, type SimLeg } from './call.js';
import { countryCodeForMcc, derivedMsisdn, lookupCandidates, normalizeNumber, parseDialString } from './numbers.js';
import {
  type OutsideBehaviour,
  type OutsideCallOptions,
  type OutsideRule,
  type OutsideSmsOptions,
  type OutsideSmsResult,
  OutsideWorld,
  attachOutsideAudio,
} from './outside-world.js';
import { DEFAULT_RINGBACK, playRingback } from './ringback.js';
import { SimLog, type SimLogSnapshot } from './sim-log.js';
import { SmsCenter } from './sms-center.js';
import { type RegistrationOverride, Subscriber, type UeHost, UserEquipment, isRegistered } from './subscriber.js';
import { TimerBag } from './timer-bag.js';
import { type UssdContext, type UssdMenus, type UssdNode, defaultUssdMenus, present, ussdStep } from './ussd-service.js';

export interface MobileNetworkOptions {
  clock: Clock;
  /** Network-wide delays over ZERO_TIMING; per modem with setTiming(imei, ...). */
  timing?: Partial<Timing>;
  operators: Operator[];
  log?: Logger;
  /** Extra or replacement USSD menus, merged over defaultUssdMenus(). */
  ussdMenus?: UssdMenus;
  /** Seed for the pseudo-random parts (default RSSI per IMEI, jitter). */
  seed?: number;
  /** Random variation of every delay, as a fraction (0.2 = ±20 %); default 0 (exact delays). */
  jitter?: number;
  /** Zone of the network's clock for SCTS / TP-DT, minutes from UTC (default 480, UTC+8). */
  tzMinutes?: number;
  /** Country code for numbers without one when the IMSI's MCC is not known (default '86'). */
  countryCode?: string;
  /** How long undeliverable SMS are kept when the SUBMIT gives no validity (default 3 days). */
  smsValidityMinutes?: number;
  /** Entries kept per list in each SIM's log (default 500). */
  logLimit?: number;
  /** Outside-world behaviour rules, ahead of the special test numbers. */
  outsideRules?: OutsideRule[];
}

export interface SubscriberInfo {
  imsi: string;
  iccid: string;
  /** The MSISDN the network routes to (the SIM's number, or derived from the IMSI). */
  number: string;
  /** The number stored on the SIM (null: none). */
  simNumber: string | null;
  attached: boolean;
  imei: string | null;
  state: RegState;
  rat: Rat | null;
  rssi: number | null;
  operator: Operator | null;
  volte: boolean;
  inCall: boolean;
  /** Call waiting on for the subscriber (AT+CCWA <mode> 1): a second call is offered instead of busy. */
  callWaiting: boolean;
  /** SMS and status reports the network holds for it. */
  stored: number;
  /** The UE refused an SMS for lack of memory; nothing is delivered until its RP-SMMA. */
  memoryFull: boolean;
  override: RegistrationOverride | null;
}

const NOT_REGISTERED_USSD: UssdReply = { m: 2, text: 'No network service' };
const USSD_ENDED: UssdReply = { m: 2, text: '' };

/** Deterministic 32-bit hash (FNV-1a). */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validRssi(v: number): boolean {
  return Number.isInteger(v) && ((v >= 0 && v <= 31) || v === 99);
}

export class MobileNetwork implements RadioNetwork {
  readonly clock: Clock;
  readonly outside: OutsideWorld;
  readonly timing: Timing;
  private readonly log_: Logger;
  private readonly operators: Operator[];
  private readonly operatorByPlmn = new Map<string, Operator>();
  private readonly subs = new Map<string, Subscriber>();
  private readonly byNumber = new Map<string, Subscriber>();
  private readonly ues = new Map<string, UserEquipment>();
  private readonly timingByImei = new Map<string, Partial<Timing>>();
  private readonly calls = new Set<Call>();
  private readonly timers: TimerBag;
  private readonly sms: SmsCenter;
  private readonly menus: UssdMenus;
  private readonly seed: number;
  private readonly random: () => number;
  private readonly jitter: number;
  private readonly tzMinutes: number;
  private readonly defaultCc: string;
  private readonly logLimit: number;
  private nextId = 1;
  private nextLegId = 1;
  /** What attachments call (kept off the public surface). */
  private readonly ueHost: UeHost = {
    selectPlmn: (ue, plmn) => this.ueSelectPlmn(ue, plmn),
    dial: (ue, number) => this.ueDial(ue, number),
    submitSms: (ue, tpdu, smsc) => this.sms.submit(ue, tpdu, smsc),
    ussd: (ue, text) => this.ueUssd(ue, text),
    ussdCancel: (ue) => this.ueUssdCancel(ue),
    smsMemoryAvailable: (ue) => this.sms.memoryAvailable(ue),
    detach: (ue) => this.detachUe(ue),
  };

  constructor(opts: MobileNetworkOptions) {
    this.clock = opts.clock;
    this.timing = { ...ZERO_TIMING, ...(opts.timing ?? {}) };
    this.log_ = opts.log ?? silentLogger();
    this.operators = [...(opts.operators ?? [])];
    for (const op of this.operators) if (!this.operatorByPlmn.has(op.plmn)) this.operatorByPlmn.set(op.plmn, op);
    this.menus = { ...defaultUssdMenus(), ...(opts.ussdMenus ?? {}) };
    this.seed = (opts.seed ?? 1) >>> 0;
    this.random = prng(this.seed);
    this.jitter = Math.min(1, Math.max(0, opts.jitter ?? 0));
    this.tzMinutes = opts.tzMinutes ?? 480;
    this.defaultCc = opts.countryCode ?? '86';
    this.logLimit = Math.max(1, opts.logLimit ?? 500);
    this.timers = new TimerBag(this.clock);
    const onListenerError = (e: unknown): void => this.log_.warn({ err: e }, 'simulated network: a listener threw');
    this.outside = new OutsideWorld(
      {
        placeCall: (from, to, o) => this.callFromOutside(from, to, o),
        sendSms: (o) => this.smsFromOutside(o),
      },
      opts.outsideRules ?? [],
      1000,
      onListenerError,
    );
    const self = this;
    this.sms = new SmsCenter({
      clock: this.clock,
      outside: this.outside,
      timers: this.timers,
      tzMinutes: this.tzMinutes,
      validityMinutes: opts.smsValidityMinutes ?? 3 * 24 * 60,
      defaultCc: this.defaultCc,
      get defaultTiming() {
        return self.timing;
      },
      delay: (ms) => this.delay(ms),
      subscriberByNumber: (n) => this.byNumber.get(n),
      emitSms: (ue, tpdu, smsc) => {
        let answer: SmsDeliveryAnswer = 'accepted';
        this.emit(ue, (ev) => (answer = ev.sms(tpdu, smsc) ?? 'accepted'));
        return answer;
      },
      emitReport: (ue, tpdu, smsc) => this.emit(ue, (ev) => ev.statusReport(tpdu, smsc)),
      warn: (msg, detail) => this.log_.warn(detail, `simulated network: ${msg}`),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // RadioNetwork

  attach(imei: string, sim: SimCard, events: AttachmentEvents): Attachment {
    if (!sim || typeof sim.imsi !== 'string' || sim.imsi === '') throw new TypeError('attach: the SIM has no IMSI');
    if (!events || typeof events !== 'object') throw new TypeError('attach: events are required');
    const imeiKey = String(imei);
    // One SIM per UE, one UE per SIM: a UE attaching again (SIM swapped) or a SIM seen in another UE
    // replaces the earlier attachment.
    const previousUe = this.ues.get(imeiKey);
    if (previousUe) this.detachUe(previousUe);
    const sub = this.subscriberFor(sim);
    if (sub.ue) {
      this.log_.warn({ imsi: sim.imsi, imei: imeiKey, was: sub.ue.imei }, 'simulated network: SIM attached in a second UE, first attachment dropped');
      this.detachUe(sub.ue);
    }
    const rssi = sub.rssiOverride ?? this.defaultRssi(imeiKey);
    const ue = new UserEquipment(imeiKey, sub, events, this.clock, this.timingFor(imeiKey), rssi, this.ueHost);
    sub.ue = ue;
    this.ues.set(imeiKey, ue);
    this.log_.debug({ imsi: sim.imsi, imei: imeiKey, number: sub.msisdn }, 'simulated network: attach');
    if (sub.override) ue.regState = sub.override;
    else if (rssi !== 99) this.scheduleRegistration(ue);
    return ue;
  }

  // ---------------------------------------------------------------------------------------------
  // Control (simulator control API, tests)

  /** Per-modem delays over the network's (null: back to the network's). */
  setTiming(imei: string, timing: Partial<Timing> | null): void {
    if (timing) this.timingByImei.set(imei, { ...timing });
    else this.timingByImei.delete(imei);
    const ue = this.ues.get(imei);
    if (ue) ue.timing = this.timingFor(imei);
  }

  /** Sets the signal (+CSQ <rssi> 0..31, or 99 = no coverage). False for an unknown IMSI or bad value. */
  setSignal(imsi: string, rssi: number): boolean {
    const sub = this.subs.get(imsi);
    if (!sub || !validRssi(rssi)) return false;
    sub.rssiOverride = rssi;
    const ue = sub.ue;
    if (!ue || ue.currentRssi === rssi) return true;
    const lost = rssi === 99;
    const regained = ue.currentRssi === 99 && !lost;
    ue.currentRssi = rssi;
    this.emit(ue, (ev) => ev.signal(rssi));
    if (sub.override) return true;
    if (lost) {
      ue.regTimer?.cancel();
      ue.regTimer = null;
      this.applyRegState(ue, 'searching', null);
    } else if (regained) {
      this.startRegistration(ue);
    }
    return true;
  }

  /** Forces a registration state (null: normal registration again). False for an unknown IMSI. */
  setRegistration(imsi: string, override: RegistrationOverride | null): boolean {
    const sub = this.subs.get(imsi);
    if (!sub) return false;
    if (override !== null && override !== 'denied' && override !== 'searching' && override !== 'not-registered') return false;
    sub.override = override;
    const ue = sub.ue;
    if (!ue) return true;
    if (override) {
      ue.regTimer?.cancel();
      ue.regTimer = null;
      this.applyRegState(ue, override, null);
    } else {
      this.startRegistration(ue);
    }
    return true;
  }

  /** Sets the radio access technology the subscriber is served on. False for an unknown IMSI or bad value. */
  setRat(imsi: string, rat: Rat): boolean {
    const sub = this.subs.get(imsi);
    if (!sub || (rat !== '2G' && rat !== '3G' && rat !== '4G')) return false;
    sub.rat = rat;
    const ue = sub.ue;
    if (ue && isRegistered(ue.regState)) this.applyRegState(ue, ue.regState, rat);
    return true;
  }

  /** Network-initiated USSD (a node with options or input waits for the UE's reply). */
  pushUssd(imsi: string, node: UssdNode): boolean {
    const ue = this.subs.get(imsi)?.ue;
    if (!ue || !isRegistered(ue.regState)) return false;
    const step = present(node, this.ussdContext(ue));
    ue.ussdSession = step.session;
    this.emit(ue, (ev) => ev.ussd(step.reply));
    return true;
  }

  /** Every SIM the network has seen, attached or not. */
  subscribers(): SubscriberInfo[] {
    return [...this.subs.values()].map((s) => this.info(s));
  }

  subscriber(imsi: string): SubscriberInfo | undefined {
    const s = this.subs.get(imsi);
    return s ? this.info(s) : undefined;
  }

  /** The MSISDN the network uses for a SIM. */
  numberOf(imsi: string): string | undefined {
    return this.subs.get(imsi)?.msisdn;
  }

  /** SMS sent and received and calls of a SIM (last `logLimit` each). */
  log(imsi: string): SimLogSnapshot | undefined {
    return this.subs.get(imsi)?.log.snapshot();
  }

  /** Calls in progress (any state but ended). */
  get activeCalls(): number {
    return this.calls.size;
  }

  /** Detaches every UE, ends every call and cancels every timer. */
  close(): void {
    for (const ue of [...this.ues.values()]) this.detachUe(ue);
    for (const call of [...this.calls]) call.end('network-failure');
    this.sms.close();
    this.timers.cancelAll();
  }

  // ---------------------------------------------------------------------------------------------
  // Called through the Attachment

  private ueSelectPlmn(ue: UserEquipment, plmn: string | null): void {
    if (ue.detached) return;
    const wanted = typeof plmn === 'string' ? plmn.trim() : null;
    ue.manualPlmn = wanted === '' ? null : wanted;
    const target = this.targetOperator(ue);
    if (isRegistered(ue.regState) && target && ue.currentOperator?.plmn === target.plmn) return;
    if (ue.sub.override || ue.currentRssi === 99) return;
    this.startRegistration(ue);
  }

  private ueDial(ue: UserEquipment, number: string): CallLeg {
    const parsed = parseDialString(number);
    const call = this.newCall();
    const leg = call.createA(this.nextLegId++, parsed.number);
    this.bindLeg(ue, leg, 'mo', parsed.number);
    if (ue.detached || !isRegistered(ue.regState)) {
      call.timers.schedule(() => call.end('network-failure'), 0);
      return leg;
    }
    const callerId = parsed.withheld ? '' : ue.sub.msisdn;
    call.timers.schedule(() => this.routeCall(call, ue.sub.cc, parsed.number, callerId, ue.timing), this.delay(ue.timing.callSetupMs));
    return leg;
  }

  private ueUssd(ue: UserEquipment, text: string): Promise<UssdReply> {
    if (ue.detached) return Promise.resolve(USSD_ENDED);
    if (!isRegistered(ue.regState)) return Promise.resolve(NOT_REGISTERED_USSD);
    this.settleUssd(ue, USSD_ENDED); // a newer request supersedes one still waiting
    const step = ussdStep(this.menus, ue.ussdSession, typeof text === 'string' ? text : '', this.ussdContext(ue));
    ue.ussdSession = step.session;
    return new Promise<UssdReply>((resolve) => {
      const timer = ue.timers.schedule(() => {
        ue.ussdPending = null;
        resolve(step.reply);
      }, this.delay(ue.timing.ussdMs));
      ue.ussdPending = { cancel: () => timer.cancel(), resolve };
    });
  }

  private ueUssdCancel(ue: UserEquipment): void {
    this.settleUssd(ue, USSD_ENDED);
    ue.ussdSession = null;
  }

  private detachUe(ue: UserEquipment): void {
    if (ue.detached) return;
    ue.detached = true;
    ue.timers.cancelAll();
    ue.regTimer = null;
    ue.drainTimer = null;
    for (const abort of [...ue.aborts]) abort();
    ue.aborts.clear();
    this.settleUssd(ue, USSD_ENDED);
    ue.ussdSession = null;
    for (const leg of [...ue.legs]) leg.call.end('network-failure');
    ue.regState = 'not-registered';
    ue.currentRat = null;
    ue.currentOperator = null;
    if (ue.sub.ue === ue) ue.sub.ue = null;
    if (this.ues.get(ue.imei) === ue) this.ues.delete(ue.imei);
    this.log_.debug({ imsi: ue.sub.imsi, imei: ue.imei }, 'simulated network: detach');
  }

  // ---------------------------------------------------------------------------------------------
  // Subscribers and registration

  private subscriberFor(sim: SimCard): Subscriber {
    const cc = countryCodeForMcc(sim.imsi.slice(0, 3), this.defaultCc);
    const msisdn = (sim.number ? normalizeNumber(sim.number, cc) : undefined) ?? derivedMsisdn(sim.imsi, cc);
    let sub = this.subs.get(sim.imsi);
    if (!sub) {
      sub = new Subscriber(sim, msisdn, cc, new SimLog(this.logLimit, () => this.nextId++));
      this.subs.set(sim.imsi, sub);
    } else {
      sub.sim = sim;
      sub.cc = cc;
      if (sub.msisdn !== msisdn) {
        if (this.byNumber.get(sub.msisdn) === sub) this.byNumber.delete(sub.msisdn);
        sub.msisdn = msisdn;
      }
    }
    const holder = this.byNumber.get(msisdn);
    if (holder && holder !== sub) {
      this.log_.warn({ number: msisdn, imsi: sim.imsi, was: holder.imsi }, 'simulated network: number now routes to another SIM');
    }
    this.byNumber.set(msisdn, sub);
    return sub;
  }

  private timingFor(imei: string): Timing {
    const own = this.timingByImei.get(imei);
    return own ? { ...this.timing, ...own } : this.timing;
  }

  private defaultRssi(imei: string): number {
    return 20 + (hash32(imei, this.seed) % 12);
  }

  private delay(ms: number): number {
    if (!(ms > 0)) return 0;
    if (this.jitter === 0) return ms;
    return Math.max(0, Math.round(ms * (1 + this.jitter * (2 * this.random() - 1))));
  }

  private targetOperator(ue: UserEquipment): Operator | undefined {
    if (ue.manualPlmn !== null) return this.operatorByPlmn.get(ue.manualPlmn);
    return this.operatorByPlmn.get(ue.sub.sim.plmn) ?? this.operators[0];
  }

  private scheduleRegistration(ue: UserEquipment): void {
    ue.regTimer?.cancel();
    ue.regTimer = ue.timers.schedule(() => {
      ue.regTimer = null;
      this.completeRegistration(ue);
    }, this.delay(ue.timing.registrationMs));
  }

  private startRegistration(ue: UserEquipment): void {
    if (ue.detached) return;
    ue.regTimer?.cancel();
    ue.regTimer = null;
    if (ue.sub.override) {
      this.applyRegState(ue, ue.sub.override, null);
      return;
    }
    this.applyRegState(ue, 'searching', null);
    if (ue.currentRssi !== 99) this.scheduleRegistration(ue);
  }

  private completeRegistration(ue: UserEquipment): void {
    const op = this.targetOperator(ue);
    if (!op) {
      this.applyRegState(ue, 'not-registered', null);
      return;
    }
    ue.currentOperator = op;
    this.applyRegState(ue, op.plmn === ue.sub.sim.plmn ? 'home' : 'roaming', ue.sub.rat);
  }

  private applyRegState(ue: UserEquipment, state: RegState, rat: Rat | null): void {
    const was = isRegistered(ue.regState);
    const now = isRegistered(state);
    const newRat = now ? rat : null;
    if (ue.regState === state && ue.currentRat === newRat) return;
    ue.regState = state;
    ue.currentRat = newRat;
    if (!now) ue.currentOperator = null;
    if (was && !now) {
      for (const leg of [...ue.legs]) leg.call.end('network-failure');
      this.settleUssd(ue, USSD_ENDED);
      ue.ussdSession = null;
      ue.drainTimer?.cancel();
      ue.drainTimer = null;
    }
    this.emit(ue, (ev) => ev.registration(state, newRat));
    if (now && !was) this.sms.drain(ue.sub);
  }

  private info(s: Subscriber): SubscriberInfo {
    const ue = s.ue;
    return {
      imsi: s.imsi,
      iccid: s.sim.iccid,
      number: s.msisdn,
      simNumber: s.sim.number,
      attached: ue !== null,
      imei: ue?.imei ?? null,
      state: ue?.regState ?? 'not-registered',
      rat: ue?.currentRat ?? null,
      rssi: ue?.currentRssi ?? null,
      operator: ue?.currentOperator ?? null,
      volte: ue?.volte ?? false,
      inCall: (ue?.legs.size ?? 0) > 0,
      callWaiting: s.callWaiting,
      stored: this.sms.backlog(s),
      memoryFull: s.memoryFull,
      override: s.override,
    };
  }

  private emit(ue: UserEquipment, fn: (ev: AttachmentEvents) => void): void {
    if (ue.detached) return;
    try {
      fn(ue.events);
    } catch (e) {
      this.log_.warn({ err: e, imsi: ue.sub.imsi }, 'simulated network: UE event handler threw');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // USSD

  private ussdContext(ue: UserEquipment): UssdContext {
    const s = ue.sub;
    return { msisdn: s.msisdn, imsi: s.imsi, iccid: s.sim.iccid, operator: ue.currentOperator, now: this.clock.now() };
  }

  private settleUssd(ue: UserEquipment, reply: UssdReply): void {
    const p = ue.ussdPending;
    if (!p) return;
    ue.ussdPending = null;
    p.cancel();
    p.resolve(reply);
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  private newCall(): Call {
    const call = new Call(this.clock, {
      listenerError: (e) => this.log_.warn({ err: e }, 'simulated network: a call listener threw'),
      ended: (c) => this.calls.delete(c),
    });
    this.calls.add(call);
    return call;
  }

  /** Ties a leg to a UE: busy state and the SIM's call log. Registered before any other listener. */
  private bindLeg(ue: UserEquipment, leg: SimLeg, direction: 'mo' | 'mt', peer: string): void {
    ue.legs.add(leg);
    const entry = ue.sub.log.call(direction, peer, this.clock.now(), leg.state);
    leg.onState((state, cause) => {
      const now = this.clock.now();
      if (state === 'active') entry.answeredAt = now;
      if (state === 'ended') {
        ue.legs.delete(leg);
        entry.endedAt = now;
        entry.durationMs = entry.answeredAt === null ? 0 : now - entry.answeredAt;
        entry.status = cause ?? 'normal';
      } else {
        entry.status = state;
      }
    });
  }

  /** Set-up done: find the called party and offer the call (or end it). */
  private routeCall(call: Call, cc: string, dialled: string, callerId: string, timing: Timing): void {
    const candidates = lookupCandidates(dialled, cc);
    if (candidates.length === 0) {
      call.end('unreachable');
      return;
    }
    for (const n of candidates) {
      const sub = this.byNumber.get(n);
      if (sub) {
        this.offerToSubscriber(call, sub, callerId);
        return;
      }
    }
    this.offerToOutside(call, candidates[0]!, callerId, timing);
  }

  private offerToSubscriber(call: Call, sub: Subscriber, callerId: string): void {
    const ue = sub.ue;
    if (!ue || ue.detached || !isRegistered(ue.regState)) {
      call.end('unreachable');
      return;
    }
    if (ue.legs.size > 1 || (ue.legs.size === 1 && !ue.sub.callWaiting)) {
      call.end('busy');
      return;
    }
    const b = call.createB(this.nextLegId++, callerId);
    this.bindLeg(ue, b, 'mt', callerId);
    call.superviseAnswer(ue.timing.noAnswerMs);
    this.alert(call);
    if (call.ended) return;
    this.emit(ue, (ev) => ev.incomingCall(b));
  }

  private offerToOutside(call: Call, number: string, callerId: string, timing: Timing): void {
    const behaviour: OutsideBehaviour = this.outside.behaviourFor(number);
    if (behaviour.kind === 'unreachable' || behaviour.kind === 'busy') {
      call.end(behaviour.kind);
      return;
    }
    const party = call.createB(this.nextLegId++, callerId);
    call.superviseAnswer(timing.noAnswerMs);
    if (behaviour.kind === 'answer') {
      attachOutsideAudio(party, behaviour.audio, call.timers, this.clock);
      const hangupAfter = behaviour.hangupAfterMs;
      if (hangupAfter !== undefined && hangupAfter >= 0) {
        party.onState((s) => {
          if (s === 'active') call.timers.schedule(() => party.hangup(), hangupAfter);
        });
      }
      call.timers.schedule(() => party.answer(), this.delay(behaviour.ringMs ?? timing.ringMs));
    } else if (behaviour.kind === 'reject') {
      call.timers.schedule(() => call.end('rejected', 'normal', party), this.delay(behaviour.ringMs ?? timing.ringMs));
    }
    this.alert(call);
    if (call.ended) return;
    this.outside.announceCall(party, callerId, number, behaviour);
  }

  /** The caller's leg alerts and hears the network's ringback. */
  private alert(call: Call): void {
    call.a.setState('alerting');
    if (!call.ended) playRingback(call.a, DEFAULT_RINGBACK, call.timers, this.clock);
  }

  private callFromOutside(from: string, to: string, opts: OutsideCallOptions): CallLeg {
    const call = this.newCall();
    const toText = typeof to === 'string' ? to : '';
    const leg = call.createA(this.nextLegId++, toText);
    attachOutsideAudio(leg, opts?.audio, call.timers, this.clock);
    let sub: Subscriber | undefined;
    for (const n of lookupCandidates(toText, this.defaultCc)) sub ??= this.byNumber.get(n);
    const fromText = typeof from === 'string' ? from : '';
    const callerId = opts?.withheld ? '' : (normalizeNumber(fromText, this.defaultCc) ?? fromText.trim());
    const timing = sub?.ue?.timing ?? this.timing;
    const target = sub;
    call.timers.schedule(() => {
      if (!target) call.end('unreachable');
      else this.offerToSubscriber(call, target, callerId);
    }, this.delay(timing.callSetupMs));
    return leg;
  }

  private smsFromOutside(opts: OutsideSmsOptions): OutsideSmsResult {
    try {
      return this.sms.fromOutside(opts);
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
}

