/** Shared set-up for the simulated network tests: operators, SIM cards and a recording UE. */
import { ManualClock } from '../../modem-drivers/simulator/network/clock.js';
import { MobileNetwork, type MobileNetworkOptions } from '../../modem-drivers/simulator/network/mobile-network.js';
import type {
  Attachment,
  AttachmentEvents,
  CallEndCause,
  CallLeg,
  CallLegState,
  Operator,
  Rat,
  RegState,
  SimCard,
  Timing,
  UssdReply,
} from '../../modem-drivers/simulator/types.js';
import { bytesToHex, decodePdu, type SmsDeliver, type SmsStatusReport } from '../../src/gsm/index.js';

export const OPERATORS: Operator[] = [
  { plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' },
  { plmn: '46001', longName: 'CHN-UNICOM', shortName: 'UNICOM' },
  { plmn: '46011', longName: 'CHN-CT', shortName: 'CT' },
];

/** SIM n: IMSI 4600000000000nn, number +86138000000nn (or none), home PLMN 46000. */
export function simCard(n: number, over: Partial<SimCard> = {}): SimCard {
  const nn = String(n).padStart(4, '0');
  return {
    iccid: `898600000000000${nn}`,
    imsi: `46000000000${nn}`,
    number: `+861380000${nn}`,
    pin: null,
    puk: '12345678',
    plmn: '46000',
    smsc: '+8613800200500',
    ...over,
  };
}

export function setup(opts: Partial<MobileNetworkOptions> & { timing?: Partial<Timing> } = {}): { clock: ManualClock; net: MobileNetwork } {
  const clock = new ManualClock();
  const net = new MobileNetwork({ clock, operators: OPERATORS, ...opts });
  return { clock, net };
}

export interface Received {
  tpdu: string;
  smsc: string;
  pdu: SmsDeliver;
}

/** A UE that records everything the network tells it. */
export class RecordingUe {
  readonly regs: [RegState, Rat | null][] = [];
  readonly signals: number[] = [];
  readonly incoming: CallLeg[] = [];
  readonly sms: Received[] = [];
  readonly reports: { tpdu: string; smsc: string; pdu: SmsStatusReport }[] = [];
  readonly ussd: UssdReply[] = [];
  /** Answer incoming calls at once. */
  autoAnswer = false;
  /** SMS it can hold: one more is refused with RP-Cause 22 (memory capacity exceeded). */
  smsCapacity = Infinity;
  /** SMS refused for lack of memory. */
  refused = 0;
  readonly events: AttachmentEvents;
  att!: Attachment;

  constructor(
    readonly imei: string,
    readonly sim: SimCard,
  ) {
    this.events = {
      registration: (state, rat) => this.regs.push([state, rat]),
      signal: (rssi) => this.signals.push(rssi),
      incomingCall: (leg) => {
        this.incoming.push(leg);
        if (this.autoAnswer) leg.answer();
      },
      sms: (tpdu, smsc) => {
        if (this.sms.length >= this.smsCapacity) {
          this.refused++;
          return 'memory-full';
        }
        this.sms.push({ tpdu: bytesToHex(tpdu), smsc, pdu: decodePdu(bytesToHex(tpdu), { withSmsc: false }) as SmsDeliver });
        return 'accepted';
      },
      statusReport: (tpdu, smsc) =>
        this.reports.push({ tpdu: bytesToHex(tpdu), smsc, pdu: decodePdu(bytesToHex(tpdu), { withSmsc: false }) as SmsStatusReport }),
      ussd: (reply) => this.ussd.push(reply),
    };
  }

  attach(net: MobileNetwork): Attachment {
    this.att = net.attach(this.imei, this.sim, this.events);
    return this.att;
  }

  get lastReg(): [RegState, Rat | null] | undefined {
    return this.regs[this.regs.length - 1];
  }
}

/** Records a leg's state changes. */
export function watch(leg: CallLeg): [CallLegState, CallEndCause | undefined][] {
  const seen: [CallLegState, CallEndCause | undefined][] = [];
  leg.onState((s, c) => seen.push([s, c]));
  return seen;
}

export function imeiOf(n: number): string {
  return `8613000000${String(n).padStart(5, '0')}`;
}

/** Attaches `count` UEs with SIMs 1..count and lets them register (zero timing). */
export function attachMany(net: MobileNetwork, clock: ManualClock, count: number, first = 1): RecordingUe[] {
  const ues: RecordingUe[] = [];
  for (let i = 0; i < count; i++) {
    const ue = new RecordingUe(imeiOf(first + i), simCard(first + i));
    ue.attach(net);
    ues.push(ue);
  }
  clock.runDue();
  return ues;
}

/** Lets promise callbacks run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
