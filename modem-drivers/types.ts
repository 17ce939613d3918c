/**
 * Capability contract every modem family implements (after oFono's atoms: sim, netreg, voicecall, sms,
 * ussd, plus audio, imei and reset). The generic 3GPP TS 27.007 / 27.005 driver implements all of it;
 * vendor families override only what differs. Drivers talk to the modem through AtChannelApi only.
 */
import type { AtChannelApi } from '../src/at/types.js';
import type { Logger } from '../src/util/log.js';

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

export interface DriverOptions {
  log: Logger;
}

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

export interface ModemDriver {
  readonly family: Family;
  readonly channel: AtChannelApi;

  /** Puts the modem into the state the rest expects (echo off, numeric/verbose errors, URCs on, PDU mode). */
  init(): Promise<void>;
  /** Enables SMS reception settings (+CNMI, +CPMS, +CSMS); separate so it runs only with a ready SIM. */
  initSms(): Promise<void>;
  onEvent(listener: (e: ModemEvent) => void): () => void;

  identity(): Promise<ModemIdentity>;

  simState(): Promise<SimState>;
  enterPin(pin: string): Promise<void>;
  enterPuk(puk: string, newPin: string): Promise<void>;
  iccid(): Promise<string>;
  imsi(): Promise<string>;
  /** +CNUM; null when the SIM does not store it. */
  ownNumber(): Promise<string | null>;

  registration(): Promise<Registration[]>;
  operator(): Promise<OperatorInfo>;
  signal(): Promise<Signal>;
  /** VoLTE / IMS registration; null when the family cannot tell. */
  volte(): Promise<boolean | null>;
  selectOperator(sel: OperatorSelection): Promise<void>;

  /** ATD<number>; — resolves once the modem accepted the dial (OK), rejects on BUSY/NO CARRIER/... */
  dial(number: string): Promise<void>;
  answer(): Promise<void>;
  hangup(): Promise<void>;
  listCalls(): Promise<CallInfo[]>;
  /** +CEER text, null when none. */
  endCause(): Promise<string | null>;

  /** AT+CMGS=<tpduLength> then the PDU (TS 27.005 §3.5.1); resolves with the message reference. */
  sendPdu(pduHex: string, tpduLength: number): Promise<number>;
  /**
   * The message storage commands (TS 27.005 §3.4.3 +CMGR, §3.4.2 +CMGL, §3.5.4 +CMGD) act on the read
   * memory <mem1>. With `mem` ("SM", "ME", "SR", ... as +CMTI/+CDSI name it) the driver selects that
   * memory with AT+CPMS first and restores the previous one afterwards; without it, the current one.
   */
  readSms(index: number, mem?: string): Promise<StoredSms | null>;
  listSms(stat?: number, mem?: string): Promise<StoredSms[]>;
  deleteSms(index: number, mem?: string): Promise<void>;
  /** Where received messages and status reports may be kept, to sweep them (see SmsMemories). */
  smsMemories(): Promise<SmsMemories>;
  /** +CNMA, for +CNMI modes that require acknowledging +CMT/+CDS (TS 27.005 §3.4.4). */
  ackSms(): Promise<void>;
  /**
   * The network's time (NITZ) as the modem's clock holds it (AT+CCLK?, TS 27.007 §8.15): UTC and the zone.
   * Null when the modem's clock was never set by the network (it still shows its power-on default).
   */
  networkTime(): Promise<{ utcMs: number; tzMinutes: number } | null>;
  /** Service centre address stored on the SIM (+CSCA?). */
  smsc(): Promise<string | null>;

  /** AT+CUSD=1,"<code>",15; replies arrive as 'ussd' events. */
  sendUssd(code: string): Promise<void>;
  /** AT+CUSD=2 closes the session. */
  cancelUssd(): Promise<void>;

  /** Routes call audio to the USB PCM port (Quectel AT+QPCMV=1,0, SIMCom AT+CPCMREG=1). */
  enableUsbAudio(): Promise<void>;
  /** Re-programs the IMEI. The caller checks that the configuration allows it. */
  writeImei(imei: string): Promise<void>;
  /** Full modem restart (AT+CFUN=1,1); the port may vanish and come back. */
  reset(): Promise<void>;

  /**
   * Data connectivity check (the manual's "HTTP access test", §5.10): the modem GETs `url` through its own
   * data connection (PDP context 1 with `apn`) using its built-in HTTP client. Resolves with the server's
   * status code (a 404 is a working connection); rejects with HttpCheckError (no data connection, DNS,
   * connect, timeout, the modem's HTTP error code), UnsupportedError for families without an HTTP client,
   * or the channel's AtTimeoutError / AtClosedError.
   */
  httpCheck(opts: HttpCheckOptions): Promise<HttpCheckResult>;
}
