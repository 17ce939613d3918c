/**
 * The network's record of a SIM (Subscriber, kept by IMSI for the life of the network) and of its
 * current attachment to a UE (UserEquipment, the Attachment handed to the simulated modem).
 */
import type {
  Attachment,
  AttachmentEvents,
  CallLeg,
  Operator,
  Rat,
  RegState,
  SimCard,
  SubmitResult,
  Timing,
  UssdReply,
} from '../types.js';
import type { SimLeg } from './call.js';
import type { SimLog } from './sim-log.js';
import { TimerBag } from './timer-bag.js';
import type { UssdNode } from './ussd-service.js';
import type { Clock } from '../types.js';

export type RegistrationOverride = 'denied' | 'searching' | 'not-registered';

export function isRegistered(state: RegState): boolean {
  return state === 'home' || state === 'roaming';
}

/** Something the network holds for a subscriber until it can be delivered. */
export interface StoredItem {
  kind: 'sms' | 'report';
  tpdu: Uint8Array;
  smsc: string;
  /** TP-MMS may be cleared when more messages follow (TPDUs the network built itself). */
  patchMms: boolean;
  /** Network time after which the item is discarded (validity period). */
  expiresAt: number;
  /** Called once delivered to the UE. */
  delivered?: (now: number) => void;
  /** Called when the network gives up (TP-ST for the status report). */
  failed?: (status: number, now: number) => void;
  /**
   * Called when the UE first refused the item for lack of memory and the network keeps it (a temporary
   * TP-ST for the status report); cleared once called, so the sender hears of it once.
   */
  deferred?: (status: number, now: number) => void;
}

export class Subscriber {
  sim: SimCard;
  /** The MSISDN the network routes to: the SIM's number, or one derived from the IMSI. */
  msisdn: string;
  /** Country code used to read numbers this subscriber dials. */
  cc: string;
  ue: UserEquipment | null = null;
  /** Last TP-MR given out (TS 23.040 §9.2.3.6; the SIM keeps it in EF-SMSS, so it survives re-attach). */
  lastMr = 0;
  /** Messages and status reports waiting for the subscriber to register, oldest first. */
  store: StoredItem[] = [];
  /**
   * The network's memory-capacity-exceeded flag (TS 23.040 §10.3): the UE refused a message with RP-Cause
   * 22. Nothing is delivered while it is set; only the UE's RP-SMMA clears it (registering again does not).
   */
  memoryFull = false;
  /** Call waiting (TS 22.083), kept by the network across attachments; off until the UE turns it on. */
  callWaiting = false;
  override: RegistrationOverride | null = null;
  rssiOverride: number | null = null;
  rat: Rat = '4G';

  constructor(
    sim: SimCard,
    msisdn: string,
    cc: string,
    readonly log: SimLog,
  ) {
    this.sim = sim;
    this.msisdn = msisdn;
    this.cc = cc;
  }

  get imsi(): string {
    return this.sim.imsi;
  }
}

/** What an attachment asks of the network. */
export interface UeHost {
  selectPlmn(ue: UserEquipment, plmn: string | null): void;
  dial(ue: UserEquipment, number: string): CallLeg;
  submitSms(ue: UserEquipment, tpdu: Uint8Array, smsc: string | null): Promise<SubmitResult>;
  ussd(ue: UserEquipment, text: string): Promise<UssdReply>;
  ussdCancel(ue: UserEquipment): void;
  smsMemoryAvailable(ue: UserEquipment): boolean;
  detach(ue: UserEquipment): void;
}

export class UserEquipment implements Attachment {
  regState: RegState = 'searching';
  currentRat: Rat | null = null;
  currentRssi: number;
  currentOperator: Operator | null = null;
  manualPlmn: string | null = null;
  detached = false;
  timing: Timing;
  /** Timers that die with the attachment (registration, submit replies, USSD replies, backlog delivery). */
  readonly timers: TimerBag;
  /** Legs of calls in progress: a UE with one is busy unless its call waiting is on, with two always. */
  readonly legs = new Set<SimLeg>();
  /** Settles promises still pending when the attachment goes away. */
  readonly aborts = new Set<() => void>();
  regTimer: { cancel(): void } | null = null;
  drainTimer: { cancel(): void } | null = null;
  ussdSession: UssdNode | null = null;
  ussdPending: { cancel(): void; resolve(r: UssdReply): void } | null = null;

  constructor(
    readonly imei: string,
    readonly sub: Subscriber,
    readonly events: AttachmentEvents,
    clock: Clock,
    timing: Timing,
    rssi: number,
    private readonly host: UeHost,
  ) {
    this.timers = new TimerBag(clock);
    this.timing = timing;
    this.currentRssi = rssi;
  }

  get state(): RegState {
    return this.regState;
  }

  get rat(): Rat | null {
    return this.currentRat;
  }

  get rssi(): number {
    return this.currentRssi;
  }

  get operator(): Operator | null {
    return this.currentOperator;
  }

  /** VoLTE: provisioned for the subscriber (default yes) and registered on 4G. */
  get volte(): boolean {
    return isRegistered(this.regState) && this.currentRat === '4G' && (this.sub.sim.volte ?? true);
  }

  selectPlmn(plmn: string | null): void {
    this.host.selectPlmn(this, plmn);
  }

  dial(number: string): CallLeg {
    return this.host.dial(this, number);
  }

  submitSms(tpdu: Uint8Array, smsc: string | null): Promise<SubmitResult> {
    return this.host.submitSms(this, tpdu, smsc);
  }

  ussd(text: string): Promise<UssdReply> {
    return this.host.ussd(this, text);
  }

  ussdCancel(): void {
    this.host.ussdCancel(this);
  }

  smsMemoryAvailable(): boolean {
    return this.host.smsMemoryAvailable(this);
  }

  get callWaiting(): boolean {
    return this.sub.callWaiting;
  }

  setCallWaiting(enabled: boolean): void {
    this.sub.callWaiting = enabled;
  }

  detach(): void {
    this.host.detach(this);
  }
}
