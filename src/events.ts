/**
 * Every event the daemon's parts publish, with its payload: the one declaration that lines, calls and
 * the SMS pipeline emit against and that listeners (the SIM policy, the API, later the web UI's live
 * updates, webhooks and metrics) subscribe to. Each map is used as `EventEmitter<Map>`, so a wrong event
 * name or payload does not compile, and listeners need no casts.
 */
import type { Call } from './call/call.js';
import type { CallEvent, CallState } from './call/call-state.js';
import type { Health, Lifecycle, SlotId, SlotUnusableReason } from './line/types.js';
import type { ModemEvent } from '../modem-drivers/types.js';
import type { OutStatus } from './store/message-types.js';

/** A listener of event `K` of the map `M` (for interfaces that name the few events they listen to). */
export type Listener<M, K extends keyof M> = M[K] extends unknown[] ? (...args: M[K]) => void : never;

/** An SMS sent from a line (all its parts), as the SIM policy counts it. */
export interface LineSmsEvent {
  to: string;
  parts: number;
  ok: boolean;
  error: string | null;
}

/**
 * A step of a line's GSM call. `call` is the call it belongs to; the other fields repeat what changed
 * (the end fields are set when the call returns to IDLE).
 */
export interface LineCallEvent {
  call: Call;
  from: CallState;
  to: CallState;
  event: CallEvent;
  number: string | null;
  startedAt?: number;
  alerted?: boolean;
  answeredAt?: number | null;
  durationSec?: number;
  /** NO CARRIER / BUSY / NO ANSWER / NO DIALTONE / HANGUP as the modem said, or null (we hung up). */
  endReason?: string | null;
  /** A second call that waited while the line's call was up (TS 27.007 §7.12): recorded, never routed. */
  waiting?: boolean;
}

/** What a line publishes. */
export type LineEvents = {
  /** Anything in status() may have changed. */
  status: [];
  health: [to: Health, from: Health];
  lifecycle: [to: Lifecycle];
  /** Every event of the line's modem, after the line acted on it. */
  'modem-event': [event: ModemEvent];
  /** A SIM is ready in a slot (its ICCID when readable). */
  'sim-bound': [bound: { slot: SlotId | null; iccid: string | null }];
  /**
   * The card in a slot cannot become ready (a PIN none configured, PUK, SIM failure, no card): the SIM
   * policy marks the slot and moves the line on. Published once per card and reason until it is ready.
   */
  'slot-unusable': [unusable: { slot: SlotId; reason: SlotUnusableReason; detail: string; iccid: string | null }];
  /** The network's time (NITZ), read once after registering. */
  'network-time': [time: { utcMs: number; tzMinutes: number }];
  sms: [sms: LineSmsEvent];
  call: [step: LineCallEvent];
  /** The caller's number of a ringing call became known (+CLIP after RING, TS 27.007 §7.6). */
  'call-number': [call: Call];
  /** The far end of the line's call pressed a key (the modem's DTMF detection, once switched on). */
  'call-dtmf': [call: Call, key: string];
  /** A second call waits while the line's call is up (+CCWA, TS 27.007 §7.12); its steps follow as 'call'. */
  'call-waiting': [call: Call];
};

/** What the call service publishes about every call, whichever line or leg it is on. */
export type CallEvents = {
  /** A call began: an incoming ring, a dial, or a request refused before it reached a modem. */
  'call-started': [call: Call];
  /** The call moved (alerting, answered, ...). */
  'call-changed': [call: Call, from: CallState];
  /** The call ended and its record is durable. */
  'call-ended': [call: Call];
};

// ---------------------------------------------------------------------------------------------
// SMS pipeline (docs/decisions/0012-one-wiring-place.md)

/** A final status of an outbound SMS: nothing more happens to it. */
export type SmsFinalState = Extract<OutStatus, 'delivered' | 'failed' | 'expired' | 'unknown'>;

/**
 * What the SMS pipeline publishes (the SMS wiring's `events`), each once the fact it reports is durable
 * in the message store.
 */
export type SmsEvents = {
  /** A received SMS (every part of a concatenated one, or what came before the part timeout) is in the inbox. */
  'sms-received': [sms: { id: string; line: number; from: string }];
  /**
   * An outbound SMS was accepted and queued. `client` is who submitted it: `api:<user>`, an SMPP
   * system_id, `internal:forward`, `internal:command`, ...
   */
  'sms-accepted': [sms: { id: string; client: string | null }];
  /** An outbound SMS went out on a line (status `sent`; a status report may follow). */
  'sms-sent': [sms: { id: string }];
  /** An outbound SMS reached its final state. */
  'sms-final': [sms: { id: string; state: SmsFinalState }];
};

/** What the SMS scheduler publishes after each pass, once the pass's transaction committed. */
export type SmsSchedulerEvents = {
  /** The message went out. */
  sent: [id: string];
  /** Messages reached a final state in the pass (failed, unknown, expired): waiters and receivers look again. */
  final: [];
};
