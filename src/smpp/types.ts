/**
 * The interface between the SMPP server (src/smpp/) and the message core behind it. The server only
 * talks to the core through `SmscBackend`; everything here is plain data.
 */

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

export interface SessionInfo {
  id: string;
  systemId: string;
  mode: BindMode;
  remote: string;
  account: unknown /* what authenticate returned */;
  /** interface_version of the bind (0x34 for SMPP 3.4; below 0x34 the ESME gets no TLVs). */
  interfaceVersion: number;
  /** system_type of the bind (may be empty). */
  systemType: string;
}

export type AuthResult = { ok: true; account: unknown } | { ok: false; status: number /* ESME_RINVPASWD 0x0E, ESME_RINVSYSID 0x0F, ESME_RALYBND ... */ };

export interface SubmitRequest {
  session: SessionInfo;
  sequence: number;
  source: { ton: number; npi: number; addr: string };
  dest: { ton: number; npi: number; addr: string };
  text: string; // decoded
  /** data_coding of the submit (§5.2.19): 0 GSM 03.38, 1 IA5, 3 Latin 1, 8 UCS2. */
  dataCoding: 0 | 1 | 3 | 8;
  concat: { ref: number; total: number; seq: number } | null;
  registeredDelivery: number; // the raw byte; bit 0/1 = SMSC receipt wanted (SMPP 3.4 §5.2.17)
  expiresAt: number | null; // absolute ms from validity_period
  notBefore: number | null;
  serviceType: string;
  /** 'submit_sm' or 'data_sm'. */
  command: 'submit_sm' | 'data_sm';
  /** The raw esm_class byte (§5.2.12). */
  esmClass: number;
  /** protocol_id (§5.2.13; 0 for data_sm, which has none). */
  protocolId: number;
  /** priority_flag (§5.2.14; 0 for data_sm). */
  priority: number;
  /** Where the concatenation information came from, when there is one. */
  concatSource: 'udh' | 'sar' | null;
}

export type SubmitResult = { ok: true; messageId: string } | { ok: false; status: number; reason: string };

export interface QueryResult {
  messageId: string;
  state: number /* message_state §5.2.28 */;
  finalDate: number | null;
  errorCode: number;
}

export type ReceiptStat = 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD';

export interface DeliverItem {
  id: string; // stable id of the pending item
  kind: 'mo' | 'receipt';
  source: { ton: number; npi: number; addr: string };
  dest: { ton: number; npi: number; addr: string };
  text: string; // mo: the SMS text; receipt: ignored (built from `receipt`)
  split?: 'payload' | 'udh';
  receipt?: { messageId: string; stat: ReceiptStat; err: number; submitDate: number; doneDate: number; text: string };
}

export interface SmscBackend {
  authenticate(req: { systemId: string; password: string; mode: BindMode; remote: string }): AuthResult | Promise<AuthResult>;
  /** Must resolve only when the message is durable; the server sends submit_sm_resp after that. */
  submit(req: SubmitRequest): Promise<SubmitResult>;
  /** The submit_sm_resp (ESME_ROK) carrying `messageId` was handed to the network: the ESME will not resubmit it. */
  answered?(req: SubmitRequest, messageId: string): void;
  query(session: SessionInfo, messageId: string): QueryResult | null;
  /** Items waiting for this receiver/transceiver session (the backend filters by account/line); at most `limit`. Items the server already has in flight are passed in `exclude`. */
  pending(session: SessionInfo, limit: number, exclude: ReadonlySet<string>): DeliverItem[];
  /** deliver_sm_resp ESME_ROK for the item: the backend marks it delivered durably. */
  delivered(itemId: string, session: SessionInfo): void;
  /** Negative response or timeout: the item stays pending (the backend may count attempts). */
  deliveryFailed(itemId: string, session: SessionInfo, reason: string): void;
  sessionClosed?(session: SessionInfo): void;
}

/** Per-session counters (what `SmscServer.sessions()` reports for the API). */
export interface SessionCounters {
  /** submit_sm / data_sm answered ESME_ROK. */
  submitted: number;
  /** submit_sm / data_sm answered with an error status other than ESME_RTHROTTLED. */
  rejected: number;
  /** submit_sm / data_sm answered ESME_RTHROTTLED (window full or rate limit). */
  throttled: number;
  /** Deliver items acknowledged by the ESME (all their deliver_sm answered ESME_ROK). */
  delivered: number;
  /** deliver_sm answered with an error status, a generic_nack, or not answered in time. */
  deliverFailed: number;
  /** generic_nack sent to the ESME (framing errors, unknown command ids, ...). */
  nacked: number;
}

export interface SessionSnapshot extends SessionInfo {
  boundAt: number;
  counters: SessionCounters;
  /** submit_sm / data_sm received and not answered yet. */
  submitsInFlight: number;
  /** Deliver items sent and not answered yet. */
  deliveriesInFlight: number;
}

export interface ServerStats {
  /** TCP/TLS connections open now (bound or not). */
  connections: number;
  /** Sessions bound now. */
  bound: number;
  /** Connections accepted since listen(). */
  accepted: number;
  /** Totals since listen(), over every session, closed or open. */
  totals: SessionCounters & { framingErrors: number; deliverTimeouts: number; bindFailures: number; handlerErrors: number };
}
