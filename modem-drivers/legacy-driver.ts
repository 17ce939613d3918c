/**
 * The flat driver view of a Modem (one object with every method), for callers not yet moved to the
 * capabilities of capabilities.ts. Built over `openModem`, so it runs exactly the capability code; a
 * capability the family lacks (audio, imei, dataCheck) rejects with UnsupportedError here, which is what
 * the capability shape avoids: new code uses `Modem` and tests for the capability's presence.
 */
import type { AtChannelApi } from '../src/at/types.js';
import type { Modem, ModemOptions } from './capabilities.js';
import { UnsupportedError } from './generic/errors.js';
import { openModem } from './modem.js';
import type {
  CallInfo,
  Family,
  HttpCheckOptions,
  HttpCheckResult,
  ModemEvent,
  ModemIdentity,
  OperatorInfo,
  OperatorSelection,
  Registration,
  Signal,
  SimState,
  SmsMemories,
  StoredSms,
} from './types.js';

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
  /** Stops turning URCs into events (the channel stays open). */
  dispose?(): void;
}

/** The flat driver over a family's Modem. */
export function createDriver(family: Family, channel: AtChannelApi, opts: ModemOptions): ModemDriver {
  return driverOf(openModem(family, channel, opts), channel);
}

/** The flat driver over an open Modem. */
export function driverOf(m: Modem, channel: AtChannelApi): ModemDriver {
  const missing = (what: string) => () => Promise.reject(new UnsupportedError(what, m.family));
  const noHttp = () => {
    const e = new UnsupportedError('the HTTP connectivity check', m.family);
    e.message = `the ${m.family} driver has no built-in HTTP client (the data connectivity check needs a Quectel or SIMCom modem)`;
    return Promise.reject(e);
  };
  return {
    family: m.family,
    channel,
    init: () => m.init(),
    initSms: () => m.sms.init(),
    onEvent: (l) => m.onEvent(l),
    dispose: () => m.dispose(),
    identity: () => m.identity.identity(),
    simState: () => m.sim.state(),
    enterPin: (pin) => m.sim.enterPin(pin),
    enterPuk: (puk, pin) => m.sim.enterPuk(puk, pin),
    iccid: () => m.sim.iccid(),
    imsi: () => m.sim.imsi(),
    ownNumber: () => m.sim.ownNumber(),
    registration: () => m.netreg.registration(),
    operator: () => m.netreg.operator(),
    signal: () => m.netreg.signal(),
    volte: () => m.netreg.volte(),
    selectOperator: (sel) => m.netreg.select(sel),
    networkTime: () => m.netreg.networkTime(),
    dial: (n) => m.voicecall.dial(n),
    answer: () => m.voicecall.answer(),
    hangup: () => m.voicecall.hangup(),
    listCalls: () => m.voicecall.list(),
    endCause: () => m.voicecall.endCause(),
    sendPdu: (pdu, len) => m.sms.send(pdu, len),
    readSms: (i, mem) => m.sms.read(i, mem),
    listSms: (stat, mem) => m.sms.list(stat, mem),
    deleteSms: (i, mem) => m.sms.delete(i, mem),
    smsMemories: () => m.sms.memories(),
    ackSms: () => m.sms.ack(),
    smsc: () => m.sms.serviceCentre(),
    sendUssd: (c) => m.ussd.send(c),
    cancelUssd: () => m.ussd.cancel(),
    reset: () => m.reset.reset(),
    enableUsbAudio: m.audio ? () => m.audio!.enableUsbAudio() : missing('USB audio'),
    writeImei: m.imei ? (imei) => m.imei!.write(imei) : missing('writing the IMEI'),
    httpCheck: m.dataCheck ? (o) => m.dataCheck!.httpCheck(o) : noHttp,
  };
}
