/**
 * Test doubles for the simulated modems: a manual clock, a small RadioNetwork whose every reaction the test
 * controls, and an AT client that writes bytes and collects what comes back.
 */
import type { AtTransport } from '../../src/at/types.js';
import type {
  Attachment,
  AttachmentEvents,
  CallEndCause,
  CallLeg,
  CallLegState,
  Clock,
  Operator,
  RadioNetwork,
  Rat,
  RegState,
  SimCard,
  SubmitResult,
  UssdReply,
} from '../../modem-drivers/simulator/types.js';

export class TestClock implements Clock {
  t = Date.UTC(2026, 0, 15, 9, 30, 0);
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return { cancel: () => void this.timers.delete(id) };
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order (timers they add are honoured too). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at || (e[1].at === next[1].at && e[0] < next[0]))) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
  }
}

export class FakeLeg implements CallLeg {
  private static ids = 0;
  readonly id = ++FakeLeg.ids;
  state: CallLegState;
  lastCause: CallEndCause | undefined;
  private listeners = new Set<(s: CallLegState, c?: CallEndCause) => void>();
  localHangup = false;

  constructor(
    readonly direction: 'mo' | 'mt',
    readonly remote: string,
  ) {
    this.state = direction === 'mo' ? 'dialing' : 'incoming';
  }

  set(state: CallLegState, cause?: CallEndCause): void {
    if (this.state === 'ended') return;
    this.state = state;
    if (state === 'ended') this.lastCause = cause;
    for (const l of [...this.listeners]) l(state, cause);
  }

  answer(): void {
    if (this.state === 'incoming') this.set('active');
  }
  hangup(): void {
    this.localHangup = true;
    this.set('ended', 'normal');
  }
  onState(listener: (state: CallLegState, cause?: CallEndCause) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  sendAudio(): void {}
  onAudio(): () => void {
    return () => undefined;
  }
  private dtmfListeners = new Set<(key: string) => void>();
  /** Test side: the other party pressed `keys`. */
  pressKeys(keys: string): void {
    for (const key of keys) for (const l of [...this.dtmfListeners]) l(key);
  }
  /** Keys the modem sent to this party (AT+VTS). */
  dtmfSent = '';
  sendDtmf(keys: string): void {
    this.dtmfSent += keys;
  }
  onDtmf(listener: (key: string) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }
}

export class FakeAttachment implements Attachment {
  state: RegState = 'home';
  rat: Rat | null = '4G';
  rssi = 28;
  operator: Operator | null;
  volte = true;
  detached = false;
  selected: (string | null)[] = [];
  submitted: { tpdu: Uint8Array; smsc: string | null }[] = [];
  dialled: FakeLeg[] = [];
  ussdAsked: string[] = [];
  ussdCancelled = 0;
  callWaiting = false;
  submitResult: (tpdu: Uint8Array) => SubmitResult = (t) => ({ ok: true, mr: t[1]! });
  ussdReply: (text: string) => Promise<UssdReply> = async (text) => ({ m: 0, text: `Balance for ${text}: 12,50 EUR` });

  constructor(
    readonly net: FakeNetwork,
    readonly imei: string,
    readonly sim: SimCard,
    readonly events: AttachmentEvents,
  ) {
    this.operator = net.operators.get(sim.plmn) ?? null;
    if (net.initial) {
      this.state = net.initial.state;
      this.rat = net.initial.rat;
      this.rssi = net.initial.rssi;
    }
  }

  setCallWaiting(enabled: boolean): void {
    this.callWaiting = enabled;
  }

  selectPlmn(plmn: string | null): void {
    this.selected.push(plmn);
    if (plmn !== null) {
      const op = this.net.operators.get(plmn);
      if (op) {
        this.operator = op;
        this.register('home', this.rat ?? '4G');
      } else this.register('denied', null);
    }
  }
  dial(number: string): CallLeg {
    const leg = new FakeLeg('mo', number);
    this.dialled.push(leg);
    return leg;
  }
  async submitSms(tpdu: Uint8Array, smsc: string | null): Promise<SubmitResult> {
    this.submitted.push({ tpdu, smsc });
    return this.submitResult(tpdu);
  }
  ussd(text: string): Promise<UssdReply> {
    this.ussdAsked.push(text);
    return this.ussdReply(text);
  }
  ussdCancel(): void {
    this.ussdCancelled++;
  }
  /** RP-SMMA the modem sent; the fake network takes it while registered. */
  memoryAvailableSent = 0;
  smsMemoryAvailable(): boolean {
    this.memoryAvailableSent++;
    return this.state === 'home' || this.state === 'roaming';
  }
  detach(): void {
    this.detached = true;
    const i = this.net.attachments.indexOf(this);
    if (i >= 0) this.net.attachments.splice(i, 1);
  }

  // test controls
  register(state: RegState, rat: Rat | null): void {
    this.state = state;
    this.rat = rat;
    this.events.registration(state, rat);
  }
  signal(rssi: number): void {
    this.rssi = rssi;
    this.events.signal(rssi);
  }
  ring(from: string): FakeLeg {
    const leg = new FakeLeg('mt', from);
    this.events.incomingCall(leg);
    return leg;
  }
}

export const OPERATORS: Operator[] = [
  { plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' },
  { plmn: '46001', longName: 'CHN-UNICOM', shortName: 'UNICOM' },
  { plmn: '26201', longName: 'Telekom.de', shortName: 'TDG' },
];

export class FakeNetwork implements RadioNetwork {
  readonly operators = new Map(OPERATORS.map((o) => [o.plmn, o]));
  readonly attachments: FakeAttachment[] = [];
  attachCount = 0;
  initial: { state: RegState; rat: Rat | null; rssi: number } | null = null;

  attach(imei: string, sim: SimCard, events: AttachmentEvents): Attachment {
    this.attachCount++;
    const a = new FakeAttachment(this, imei, sim, events);
    this.attachments.push(a);
    return a;
  }

  /** The attachment of the SIM with this IMSI. */
  of(imsi: string): FakeAttachment {
    const a = this.attachments.find((x) => x.sim.imsi === imsi);
    if (!a) throw new Error(`no attachment for ${imsi}`);
    return a;
  }
}

let simSeq = 0;
export function makeSim(over: Partial<SimCard> = {}): SimCard {
  simSeq++;
  return {
    iccid: `898600${String(1000000000000 + simSeq).slice(-13)}`,
    imsi: `46000${String(1000000000 + simSeq).slice(-10)}`,
    number: `+86138${String(10000000 + simSeq).slice(-8)}`,
    pin: null,
    puk: '12345678',
    plmn: '46000',
    smsc: '+8613800200500',
    ...over,
  };
}

/** SIM n of a small fixed set (ICCID, IMSI and number end in n): tests that name their subscribers by number. */
export function numberedSim(n: number): SimCard {
  return {
    iccid: `8986000000000000000${n}`,
    imsi: `46000123450000${n}`,
    number: `+861380000000${n}`,
    pin: null,
    puk: '12345678',
    plmn: '46000',
    smsc: '+8613800200500',
  };
}

/** Lets every pending setImmediate / promise callback run. */
export async function settle(turns = 8): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** A host on the AT port: raw bytes in, everything the modem wrote out. */
export class AtClient {
  private buf = '';
  closedWith: Error | undefined | null = null;

  constructor(readonly port: AtTransport) {
    port.onData((b) => (this.buf += b.toString('latin1')));
    port.onClose((e) => (this.closedWith = e ?? undefined));
  }

  /** Everything received since the last take(). */
  take(): string {
    const s = this.buf;
    this.buf = '';
    return s;
  }

  /** Writes bytes, waits for the modem to go quiet, returns what it wrote. */
  async send(data: string): Promise<string> {
    this.port.write(Buffer.from(data, 'latin1'));
    await settle();
    return this.take();
  }

  /** `AT…` + CR. */
  at(cmd: string): Promise<string> {
    return this.send(cmd + '\r');
  }
}

/** The information lines and final result of a verbose reply, without framing. */
export function lines(reply: string): string[] {
  return reply.split(/\r\n|\r|\n/).filter((l) => l !== '');
}
