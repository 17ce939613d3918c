/**
 * Contract between the simulated modems (modem/) and the simulated mobile network (network/).
 * A simulated modem is a UE: it attaches its current SIM to the network and then talks to the network
 * only through an Attachment. The network never sees AT commands; the modem never sees other modems.
 *
 * Time: everything takes a Clock so tests run with zero latency and benchmarks/demo with realistic
 * delays. Timers must be cancelled on detach/close (no stray timers after stop()).
 */

export type Rat = '2G' | '3G' | '4G';

/** 3GPP TS 24.008 / 27.007 registration outcome as the network decides it. */
export type RegState = 'searching' | 'home' | 'roaming' | 'denied' | 'not-registered';

export interface Operator {
  /** MCC+MNC, e.g. "46000". */
  plmn: string;
  longName: string;
  shortName: string;
}

/** One SIM card. The modem owns the PIN state machine; the network knows the subscriber by IMSI. */
export interface SimCard {
  iccid: string;
  imsi: string;
  /** MSISDN in international form "+8613800000001", or null (own-number discovery must then work harder). */
  number: string | null;
  /** PIN, or null when the PIN check is disabled on the card. */
  pin: string | null;
  puk: string;
  /** Home operator's PLMN (must exist in the network). */
  plmn: string;
  /** Service centre address stored on the SIM (EF-SMSP), e.g. "+8613800200500". */
  smsc: string;
  /** VoLTE provisioned for this subscriber. */
  volte?: boolean;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

/** Delays (ms) the simulation applies; all zero in zero-latency mode. Per modem, overridable per event. */
export interface Timing {
  /** Reply latency of an AT command. */
  commandMs: number;
  /** Search → registered after power-on / SIM ready. */
  registrationMs: number;
  /** AT+CMGS accepted → +CMGS: <mr> (network round trip). Real networks take seconds. */
  smsSendMs: number;
  /** Submitted → delivered to the destination (and status report generated). */
  smsDeliverMs: number;
  /** ATD → alerting. */
  callSetupMs: number;
  /** How long an outside party lets a call ring before answering (when it answers). */
  ringMs: number;
  /** Unanswered calls give up after this (NO ANSWER). */
  noAnswerMs: number;
  /** Boot time after AT+CFUN=1,1 or a power cycle until the port answers again. */
  bootMs: number;
  /** USSD network reply latency. */
  ussdMs: number;
}

export const ZERO_TIMING: Timing = {
  commandMs: 0,
  registrationMs: 0,
  smsSendMs: 0,
  smsDeliverMs: 0,
  callSetupMs: 0,
  ringMs: 0,
  noAnswerMs: 30_000,
  bootMs: 0,
  ussdMs: 0,
};

export const REALISTIC_TIMING: Timing = {
  commandMs: 5,
  registrationMs: 3000,
  smsSendMs: 2500,
  smsDeliverMs: 1500,
  callSetupMs: 1500,
  ringMs: 4000,
  noAnswerMs: 30_000,
  bootMs: 8000,
  ussdMs: 1500,
};

/** Why a call ended, as the network reports it (mapped to NO CARRIER / BUSY / NO ANSWER and +CEER text). */
export type CallEndCause = 'normal' | 'busy' | 'no-answer' | 'rejected' | 'unreachable' | 'network-failure';

export type CallLegState = 'dialing' | 'alerting' | 'incoming' | 'active' | 'ended';

/** One side of a call as seen by a UE (or an outside party). */
export interface CallLeg {
  readonly id: number;
  readonly direction: 'mo' | 'mt';
  /** The other party's number as presented (caller id for MT). */
  readonly remote: string;
  readonly state: CallLegState;
  /** Only MT legs in 'incoming'. */
  answer(): void;
  /** Ends the call from this side (any state). */
  hangup(): void;
  onState(listener: (state: CallLegState, cause?: CallEndCause) => void): () => void;
  /** Voice path: 8 kHz 16-bit mono PCM frames (160 samples = 20 ms), delivered to the other leg. */
  sendAudio(frame: Int16Array): void;
  onAudio(listener: (frame: Int16Array) => void): () => void;
  /**
   * Keys pressed on this side (0-9, *, #, A-D; others are dropped), heard by the other leg while both
   * are active. The network carries them as key events: the receiving modem's DTMF detector turns them
   * into its URC, as a real one does with the in-band tones.
   */
  sendDtmf(keys: string): void;
  onDtmf(listener: (key: string) => void): () => void;
}

export type SubmitResult = { ok: true; mr: number } | { ok: false; cause: number; text: string };

/**
 * The UE's answer to an SMS-DELIVER (TS 24.011 §7.3.1): RP-ACK ('accepted'; a callback that returns
 * nothing accepts too), or RP-ERROR with RP-Cause 22 "memory capacity exceeded" (§8.2.5.4) when it has
 * nowhere to store the message ('memory-full'). The network then keeps the message until RP-SMMA.
 */
export type SmsDeliveryAnswer = 'accepted' | 'memory-full';

export interface UssdReply {
  /** TS 27.007 §7.15 <m>: 0 no further action, 1 further action required, 2 terminated by network. */
  m: 0 | 1 | 2;
  text: string;
}

/** What the network tells an attached UE. */
export interface AttachmentEvents {
  registration(state: RegState, rat: Rat | null): void;
  signal(rssi: number): void;
  incomingCall(leg: CallLeg): void;
  /** An SMS-DELIVER TPDU (no SMSC address in front), and the SMSC it came through; the UE's answer. */
  sms(tpdu: Uint8Array, smsc: string): SmsDeliveryAnswer | void;
  /** An SMS-STATUS-REPORT TPDU for a message this UE submitted with TP-SRR set. */
  statusReport(tpdu: Uint8Array, smsc: string): void;
  /** Network-initiated USSD, or a late reply. */
  ussd(reply: UssdReply): void;
}

/** The UE's handle on the network while a SIM is attached. */
export interface Attachment {
  readonly state: RegState;
  readonly rat: Rat | null;
  readonly rssi: number;
  readonly operator: Operator | null;
  readonly volte: boolean;
  /** Manual operator selection (+COPS=1,2,"46000"): registration is retried on that PLMN only; null = automatic. */
  selectPlmn(plmn: string | null): void;
  dial(number: string): CallLeg;
  /** An SMS-SUBMIT TPDU (no SMSC address in front). Resolves after the network's send delay. */
  submitSms(tpdu: Uint8Array, smsc: string | null): Promise<SubmitResult>;
  /** Starts or continues a USSD dialogue; the reply arrives as the promise's value. */
  ussd(text: string): Promise<UssdReply>;
  ussdCancel(): void;
  /**
   * RP-SMMA (TS 24.011 §7.3.2, TS 23.040 §10.3): after refusing a message for lack of memory the UE has
   * room again. True when the network took it (RP-ACK) and will deliver what it kept; false when the UE
   * is not registered (it keeps its flag and tells the network later).
   */
  smsMemoryAvailable(): boolean;
  /** The subscriber's call waiting in the network (TS 22.083, set by AT+CCWA <mode>): on, a second call waits; off, its caller hears busy. */
  readonly callWaiting: boolean;
  setCallWaiting(enabled: boolean): void;
  detach(): void;
}

export interface RadioNetwork {
  attach(imei: string, sim: SimCard, events: AttachmentEvents): Attachment;
}
