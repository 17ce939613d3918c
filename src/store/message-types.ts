/**
 * The message store's records as its callers see them (src/store/message-store.ts): outbound and
 * inbound messages, fan-out jobs, queries. Plain data, no I/O.
 */

export type OutStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'expired' | 'unknown';
export const OUT_STATUSES: readonly OutStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'expired', 'unknown'];
/** Statuses after which nothing more happens to a message. */
export const FINAL_STATUSES: ReadonlySet<OutStatus> = new Set(['delivered', 'failed', 'expired', 'unknown']);

export type Origin = 'api' | 'smpp' | 'sip' | 'forward' | 'command' | 'discovery';

/** What an operator decided about a message whose outcome was `unknown`. */
export type UnknownDecision = 'resend' | 'fail';

/** One such decision: what, by whom (a client id such as `api:admin`), when (ms). */
export interface OutboundDecision {
  action: UnknownDecision;
  by: string;
  at: number;
}

/** The SMS command a received message was (src/sms/commands.ts); its text holds no secret. */
export type InboundCommandKind = 'info' | 'reboot' | 'reset';

export interface NewOutbound {
  /** Given when the caller already chose it; else a new random id. */
  id?: string;
  origin: Origin;
  client?: string | null;
  sender?: string | null;
  recipient: string;
  /** The number after the dial rules. */
  number: string;
  text: string;
  parts: number;
  /** Lines the message may go out on (prefix routing, an SMPP per-line id, an API choice); null = any. */
  lines?: number[] | null;
  /** Receipt wanted: true (always), or 'failure' (only when it fails; SMPP registered_delivery 2). */
  report?: boolean | 'failure';
  partial?: boolean;
  notBefore?: number | null;
  expiresAt?: number | null;
  /** More ids the client knows this message by. */
  aliases?: string[];
  /**
   * The fingerprint of an SMPP submit whose submit_sm_resp is not written yet (cleared by
   * SubmitAnswers.markAnswered): after a restart a resubmission with it is matched to this copy.
   */
  answerKey?: string | null;
}

export interface OutboundMessage {
  id: string;
  origin: Origin;
  client: string | null;
  sender: string | null;
  recipient: string;
  number: string;
  text: string;
  parts: number;
  lines: number[] | null;
  status: OutStatus;
  reason: string | null;
  line: string | null;
  slot: string | null;
  iccid: string | null;
  attempts: number;
  tried: string[];
  report: boolean;
  /** Only a failure is to be reported (SMPP registered_delivery 2, §5.2.17). */
  reportFailureOnly: boolean;
  partial: boolean;
  createdAt: number;
  notBefore: number | null;
  expiresAt: number | null;
  sentAt: number | null;
  doneAt: number | null;
  updatedAt: number;
  aliases: string[];
  /** Operator decisions on an `unknown` outcome, oldest first. */
  decisions: OutboundDecision[];
}

export interface InboundMessage {
  id: string;
  line: string;
  slot: string | null;
  iccid: string | null;
  recipient: string | null;
  sender: string;
  text: string;
  parts: number;
  received: number;
  partial: boolean;
  sentAt: number | null;
  receivedAt: number;
  /** The SMS command this message was (consumed: not forwarded, secret masked in `text`), or null. */
  command: InboundCommandKind | null;
}

/** One received SMS (a whole message or one part of a concatenated one). */
export interface IncomingSms {
  line: string;
  slot: string | null;
  iccid: string | null;
  recipient: string | null;
  sender: string;
  text: string;
  /** TP-SCTS in ms. */
  sentAt: number | null;
  concat: { ref: number; total: number; seq: number } | null;
  /** Identifies this SMS against a network redelivery: sender, SCTS, concat and text digest. */
  dedup: string;
  /** The SMS command it is (then `text` is already masked); absent or null for an ordinary SMS. */
  command?: InboundCommandKind | null;
}

export interface NewDelivery {
  kind: string;
  target: string;
  payload: unknown;
  /** First attempt not before (default now). */
  nextAt?: number;
}

export interface Delivery {
  id: string;
  kind: string;
  target: string;
  ref: string;
  payload: unknown;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  nextAt: number;
  lastError: string | null;
  createdAt: number;
  doneAt: number | null;
}

/** Computes the fan-out jobs of a stored inbound message (the router knows the configuration). */
export type Fanout = (m: InboundMessage) => NewDelivery[];
/** Computes the jobs caused by an outbound message reaching a final status (receipts). */
export type FinalHook = (m: OutboundMessage) => NewDelivery[];

export interface Page<T> {
  total: number;
  items: T[];
}

export interface MessageQuery {
  line?: string;
  /** Substring of the number (recipient or number for outbound, sender for inbound). */
  number?: string;
  /** Substring of the text. */
  text?: string;
  status?: OutStatus;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export interface StatusReportInput {
  line: string;
  ref: number;
  /** TP-ST */
  status: number;
  outcome: 'delivered' | 'pending' | 'failed';
  at: number;
  /** Only parts sent within this many ms before `at` match (TP-MR wraps at 256). */
  withinMs?: number;
}
