/**
 * The values modems report and the events they raise, shared by every family (the capabilities that
 * return them are in capabilities.ts). Families talk to the modem through AtChannelApi only.
 */

export type Family = 'generic' | 'quectel' | 'simcom';

export interface ModemIdentity {
  manufacturer: string;
  model: string;
  revision: string;
  imei: string;
}

/** +CPIN? codes, TS 27.007 §8.3, plus NOT INSERTED (+CME ERROR 10) and UNKNOWN. */
export type SimState =
  | 'READY'
  | 'SIM PIN'
  | 'SIM PUK'
  | 'SIM PIN2'
  | 'SIM PUK2'
  | 'PH-SIM PIN'
  | 'NOT INSERTED'
  | 'BUSY'
  | 'FAILURE'
  | 'UNKNOWN';

/** <stat> of +CREG/+CGREG/+CEREG, TS 27.007 §7.2 / §10.1.20 / §10.1.22. */
export type RegStatus = 'not-registered' | 'home' | 'searching' | 'denied' | 'unknown' | 'roaming' | 'sms-only' | 'emergency-only';

export type Rat = '2G' | '3G' | '4G' | '5G';

export interface Registration {
  /** cs = +CREG, ps = +CGREG, eps = +CEREG */
  domain: 'cs' | 'ps' | 'eps';
  stat: RegStatus;
  lac?: string;
  ci?: string;
  /** <AcT> of TS 27.007 §7.3, when reported. */
  act?: number;
  rat: Rat | null;
}

export interface OperatorInfo {
  mode: 'auto' | 'manual' | 'deregistered' | 'unknown';
  name: string | null;
  /** MCC+MNC, e.g. "46000". */
  plmn: string | null;
  rat: Rat | null;
}

export interface Signal {
  /** <rssi> of +CSQ, 0..31 or 99 (TS 27.007 §8.5). */
  rssi: number;
  /** -113 + 2*rssi, null when 99. */
  dbm: number | null;
  ber: number;
}

/** One row of +CLCC, TS 27.007 §7.18. */
export interface CallInfo {
  index: number;
  direction: 'mo' | 'mt';
  state: 'active' | 'held' | 'dialing' | 'alerting' | 'incoming' | 'waiting';
  mode: 'voice' | 'data' | 'fax' | 'other';
  multiparty: boolean;
  number: string | null;
  type: number | null;
}

export interface StoredSms {
  index: number;
  /** <stat> of +CMGL/+CMGR in PDU mode, TS 27.005 §3.1: 0 unread, 1 read, 2 unsent, 3 sent. */
  stat: number;
  pdu: string;
}

/** The message memories a modem has, from AT+CPMS=? (TS 27.005 §3.2.2). */
export interface SmsMemories {
  /** Memories received messages can be in ("SM", "ME"); empty: only the current read memory is known. */
  messages: string[];
  /** The separate status report memory ("SR"), or null when reports share the message memories. */
  reports: string | null;
}

export type ModemEvent =
  | { type: 'ring' }
  | { type: 'clip'; number: string; numberType: number | null }
  | { type: 'call-ended'; reason: 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE' | 'HANGUP' }
  | { type: 'call-state'; calls: CallInfo[] }
  /** The far end pressed a key during a call (0-9, *, #, A-D), heard by the modem's DTMF detection. */
  | { type: 'dtmf'; key: string }
  /** +CCWA (TS 27.007 §7.12): a second call waits while one is up; `number` is empty when withheld. */
  | { type: 'call-waiting'; number: string; numberType: number | null }
  | { type: 'registration'; reg: Registration }
  | { type: 'sms-stored'; mem: string; index: number }
  | { type: 'sms-deliver'; pdu: string; length: number }
  | { type: 'status-report'; pdu: string; length: number }
  | { type: 'status-report-stored'; mem: string; index: number }
  | { type: 'ussd'; m: number; str: string | null; dcs: number | null }
  | { type: 'sim-state'; state: SimState }
  | { type: 'modem-ready' }
  | { type: 'unknown'; line: string };

export type OperatorSelection = { mode: 'auto' } | { mode: 'manual'; plmn: string; act?: number };

/** What httpCheck() fetches and how long it may take. */
export interface HttpCheckOptions {
  /** http:// or https:// URL the modem fetches with a GET. */
  url: string;
  /** APN of the data connection (PDP context 1); absent = the APN already configured in the modem. */
  apn?: string;
  /** Longest wait for the HTTP response, in ms (whole seconds on the wire). Default 60 000. */
  timeoutMs?: number;
}

export interface HttpCheckResult {
  /** HTTP status code the server answered (200, 404, ...). */
  status: number;
  /** Body length the modem reported (Content-Length or bytes received); 0 when it did not say. */
  bytes: number;
  /** Milliseconds from sending the GET to the modem's result. */
  ms: number;
}

/**
 * Why a data connectivity check failed, as a kind the API can show:
 * - `no-data-connection`: the PDP context could not be activated, or the modem reports no network;
 * - `dns`: the host name could not be resolved;
 * - `connect`: no TCP (or TLS) connection to the server;
 * - `timeout`: no response within the check's time (the modem's own timeout or ours);
 * - `modem`: any other error the modem's HTTP client reported (its code and meaning in the message);
 * - `invalid-request`: URL or APN refused before anything was sent.
 */
export type HttpCheckFailure = 'no-data-connection' | 'dns' | 'connect' | 'timeout' | 'modem' | 'invalid-request';

export class HttpCheckError extends Error {
  constructor(
    readonly kind: HttpCheckFailure,
    message: string,
    /** The vendor's error code (Quectel 7xx, SIMCom 6xx/7xx), when there was one. */
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = 'HttpCheckError';
  }
}

