/**
 * What a modem can do, as separate capabilities (after oFono's atoms: sim, netreg, voicecall, sms, ussd,
 * plus audio, imei, data check and reset). Each family folder fills the capabilities its modems have and
 * leaves out the ones they lack: a missing capability is an absent field, never a method that throws at
 * run time. Callers (the line, the SMS receiver, USSD) reach them through the line; none of them holds
 * the AT channel or a concrete driver class.
 */
import type { AtChannelApi } from '../src/at/types.js';
import type { Logger } from '../src/util/log.js';
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

/** AT+CGMI / +CGMM / +CGMR / +CGSN, TS 27.007 §5.1-§5.4. */
export interface IdentityCapability {
  identity(): Promise<ModemIdentity>;
}

/** The card: TS 27.007 §8.3 +CPIN, ICCID, §5.6 +CIMI, §7.1 +CNUM. */
export interface SimCapability {
  state(): Promise<SimState>;
  enterPin(pin: string): Promise<void>;
  enterPuk(puk: string, newPin: string): Promise<void>;
  iccid(): Promise<string>;
  imsi(): Promise<string>;
  /** +CNUM; null when the SIM does not store it. */
  ownNumber(): Promise<string | null>;
}

/** Network registration: TS 27.007 §7.2 +CREG/+CGREG/+CEREG, §7.3 +COPS, §8.5 +CSQ, §8.15 +CCLK (NITZ). */
export interface NetworkCapability {
  registration(): Promise<Registration[]>;
  operator(): Promise<OperatorInfo>;
  signal(): Promise<Signal>;
  /** VoLTE / IMS registration; null when the family cannot tell. */
  volte(): Promise<boolean | null>;
  select(sel: OperatorSelection): Promise<void>;
  /** The network's time as the modem's clock holds it; null when the network never set it. */
  networkTime(): Promise<{ utcMs: number; tzMinutes: number } | null>;
}

/** Voice calls: ATD / ATA / ATH (V.250), TS 27.007 §7.18 +CLCC, §6.10 +CEER. */
export interface VoiceCallCapability {
  /** ATD<number>; resolves once the modem accepted the dial (OK), rejects on BUSY/NO CARRIER/... */
  dial(number: string): Promise<void>;
  answer(): Promise<void>;
  hangup(): Promise<void>;
  list(): Promise<CallInfo[]>;
  /** +CEER text, null when none. */
  endCause(): Promise<string | null>;
  /**
   * True when the modem reports the answer of an outgoing call by itself (a URC read into 'call-state'),
   * so the line's +CLCC poll is only a fallback; false when the poll is the only way to learn it.
   */
  readonly reportsAnswer: boolean;
}

/**
 * What AT+CHLD=<n> does (TS 27.007 §7.13): `release-waiting` 0 (release held calls, or User Determined
 * User Busy for a waiting call), `release-active` 1 (release active calls, accept the held or waiting
 * one), `hold-active` 2 (place active calls on hold, accept the held or waiting one: the swap).
 */
export type CallHoldAction = 'release-waiting' | 'release-active' | 'hold-active';

/** Call waiting (TS 27.007 §7.12 +CCWA; waiting calls arrive as 'call-waiting' events) and call hold (§7.13 +CHLD). */
export interface CallWaitingCapability {
  /**
   * AT+CCWA=1,1,1 turns waiting on in the network for voice and shows +CCWA; AT+CCWA=0,0,1 turns it off,
   * so a second caller hears busy instead of waiting (§7.12 <mode> 0/1, <class> 1 voice).
   */
  setWaiting(enabled: boolean): Promise<void>;
  /** AT+CHLD=<n>; rejects with the modem's error when it refuses. */
  hold(action: CallHoldAction): Promise<void>;
}

/** SMS in PDU mode, TS 27.005. */
export interface SmsCapability {
  /** Reception settings (+CSMS, +CPMS, +CNMI); run once the SIM is ready. */
  init(): Promise<void>;
  /** AT+CMGS=<tpduLength> then the PDU (§3.5.1); resolves with the message reference. */
  send(pduHex: string, tpduLength: number): Promise<number>;
  /** +CMGR / +CMGL / +CMGD on `mem` ("SM", "ME", "SR"; the driver selects it with +CPMS and restores it). */
  read(index: number, mem?: string): Promise<StoredSms | null>;
  list(stat?: number, mem?: string): Promise<StoredSms[]>;
  delete(index: number, mem?: string): Promise<void>;
  /** Where received messages and status reports may be kept (from AT+CPMS=?). */
  memories(): Promise<SmsMemories>;
  /** +CNMA (§3.4.4). */
  ack(): Promise<void>;
  /** +CSCA? */
  serviceCentre(): Promise<string | null>;
}

/** TS 27.007 §7.15 +CUSD; replies arrive as 'ussd' modem events. */
export interface UssdCapability {
  send(code: string): Promise<void>;
  /** AT+CUSD=2 closes the session. */
  cancel(): Promise<void>;
}

/** What the modem's PCM port carries: 16-bit signed little-endian mono at this rate, in frames this long. */
export interface PcmFormat {
  sampleRate: 8000 | 16000;
  frameMs: 20 | 40;
}

/** Gains in the family's own units (each family's manual gives the range; `gainRanges` states it). */
export interface AudioGains {
  mic?: number;
  speaker?: number;
}

/**
 * The echo canceller as the family's manual documents it: a mode (SIMCom AT+CECM=<mode>) or raw
 * parameter pairs (Quectel AT+QEEC=<index>,<value>). A family rejects the form it has not with
 * InvalidArgumentError.
 */
export type EchoCancellerSetting = { mode: number } | { params: readonly { index: number; value: number }[] };

/**
 * Call audio as 16-bit mono PCM on a USB serial port (Quectel AT+QPCMV, SIMCom AT+CPCMREG). The line
 * runs prepare() at every bring-up, startCall() once a call is connected (or alerting, with earlyMedia),
 * stopCall() when it ends.
 */
export interface AudioCapability {
  /** The port's PCM format (from the family's options). */
  readonly format: PcmFormat;
  /** Inclusive ranges setGains() accepts, in the family's units. */
  readonly gainRanges: { mic: readonly [number, number]; speaker: readonly [number, number] };
  /**
   * The port carries the network's audio while an outgoing call alerts (its in-band ringback or
   * announcements: early media), so the host may open it then; false: only once the call is connected.
   */
  readonly earlyMedia: boolean;
  /** Once per bring-up: whatever must hold before any call (the port's other traffic off, the format). */
  prepare(): Promise<void>;
  /** The call is connected: start the PCM stream where the family needs a command for it. */
  startCall(): Promise<void>;
  /** The call ended: stop the PCM stream where the family needs a command for it. */
  stopCall(): Promise<void>;
  /** Rejects with InvalidArgumentError, before sending anything, for a gain outside `gainRanges`. */
  setGains(gains: AudioGains): Promise<void>;
  /** Absent where the family documents no echo canceller command. */
  setEchoCanceller?(setting: EchoCancellerSetting): Promise<void>;
}

/** Re-programs the IMEI. Legally sensitive: the caller checks security.allowImeiWrite (docs/imei.md). */
export interface ImeiCapability {
  write(imei: string): Promise<void>;
}

/**
 * The manual's "HTTP access test" (§5.10): the modem GETs a URL through its own data connection with its
 * built-in HTTP client. Rejects with HttpCheckError, or the channel's AtTimeoutError / AtClosedError.
 */
export interface DataCheckCapability {
  httpCheck(opts: HttpCheckOptions): Promise<HttpCheckResult>;
}

/**
 * The firmware's detection of the far end's DTMF keys during a call (no 3GPP command does this: Quectel
 * AT+QTONEDET, SIMCom AT+DDET). After enable() each key arrives as a 'dtmf' modem event. Families whose
 * firmware has none leave the capability out.
 */
export interface DtmfDetectionCapability {
  enable(): Promise<void>;
}

/**
 * DTMF tones sent to the far end of the active call (3GPP TS 27.007 §C.2.11 +VTS): the manual's "M1:"
 * service dialling (§4.6) keys the called number into a service after it answers. Rejects with
 * InvalidArgumentError for a key that is not 0-9 * # A-D, ModemCommandError when no call is up.
 */
export interface DtmfSendCapability {
  send(keys: string): Promise<void>;
}

/** Full modem restart (AT+CFUN=1,1); the port may vanish and come back. */
export interface ResetCapability {
  reset(): Promise<void>;
}

/** A modem on one AT channel, as its family drives it. Optional capabilities are absent when lacking. */
export interface Modem {
  readonly family: Family;
  /** Puts the modem into the state the rest expects (echo off, errors, URCs on, PDU mode). */
  init(): Promise<void>;
  /** Unsolicited results turned into events (TS 27.007 / 27.005 URCs). */
  onEvent(listener: (e: ModemEvent) => void): () => void;
  /** Stops turning URCs into events (the channel stays open). */
  dispose(): void;

  readonly identity: IdentityCapability;
  readonly sim: SimCapability;
  readonly netreg: NetworkCapability;
  readonly voicecall: VoiceCallCapability;
  readonly sms: SmsCapability;
  readonly ussd: UssdCapability;
  readonly reset: ResetCapability;
  readonly audio?: AudioCapability;
  readonly callWaiting?: CallWaitingCapability;
  readonly imei?: ImeiCapability;
  readonly dataCheck?: DataCheckCapability;
  readonly dtmfDetection?: DtmfDetectionCapability;
  readonly dtmfSend?: DtmfSendCapability;
}

export interface ModemOptions {
  log: Logger;
  /**
   * Family options (Quectel `usbAudioPort`, `statusReportInSr`; SIMCom `callEndGraceMs`, `pcmSampleRate`,
   * `pcmFrameMs`): each family
   * reads and checks its own and ignores the others, so one options object fits every family.
   */
  [option: string]: unknown;
}

/** What a USB interface of a modem carries. */
export type UsbInterfaceRole = 'diag' | 'nmea' | 'at' | 'modem' | 'audio' | 'net' | 'adb' | 'unknown';

/** One USB product of a family and which of its interfaces carries what. */
export interface UsbProduct {
  vendorId: number;
  productId: number;
  name: string;
  /** bInterfaceNumber of the AT command port. */
  atInterface: number;
  /**
   * bInterfaceNumber of a second port that also answers AT (the 'modem' interface), null when there is
   * none: the line probes the modem there while the AT port waits for the network (decision 0016).
   */
  secondaryAtInterface: number | null;
  /** bInterfaceNumber of the PCM audio port, null when the product has none. */
  audioInterface: number | null;
  /** The role of each interface, indexed by bInterfaceNumber. */
  interfaces: readonly UsbInterfaceRole[];
}

/**
 * Everything the rest of the daemon may know about a family, declared in the family's own folder: how to
 * recognise it (USB ids, identity text), which USB interface is which port, its dual-SIM commands, its
 * quirks, and how to open a Modem with its capabilities.
 */
export interface FamilyDescriptor {
  readonly name: Family;
  readonly usb: readonly UsbProduct[];
  /**
   * Whether AT+CGMI / +CGMM / +CGMR text names this family (prefixes such as "+CGMR: " already removed;
   * a field not known is ''). Detection asks one field at a time, so a manufacturer match wins over a
   * model match of another family.
   */
  matchesIdentity(id: { manufacturer: string; model: string; revision: string }): boolean;
  /**
   * Whether USB ids name this family: a product of `usb`, or a vendor id whose every product is the
   * family's (null when unknown).
   */
  matchesUsb(vendorId: number | null, productId: number | null): boolean;
  /** The firmware's built-in dual-SIM command set; null with the reason when it has none. */
  readonly dualSim: DualSimCommandSet | { none: string };
  /** Behaviours the rest of the daemon plans around (documented per family). */
  readonly quirks: Readonly<Record<string, string | number | boolean>>;
  open(channel: AtChannelApi, opts: ModemOptions): Modem;
}

/** The two holders a dual-SIM modem has. */
export type DualSimSlot = 'A' | 'B';

/** How one firmware family selects and reports the active SIM holder. */
export interface DualSimCommandSet {
  /** For messages and logs, e.g. 'Quectel AT+QDSIM'. */
  name: string;
  /** Set command; `{value}` is replaced by the slot's value, e.g. 'AT+QDSIM={value}'. */
  select: string;
  /** Read command, e.g. 'AT+QDSIM?'. */
  query: string;
  /** Information-response prefix of the read command, e.g. '+QDSIM:'. */
  prefix: string;
  /** Which comma-separated field after the prefix holds the value (0-based). Default 0. */
  field?: number;
  /** The value that means each holder, e.g. { A: '0', B: '1' }. */
  values: Record<DualSimSlot, string>;
  /** Final-result timeout for both commands. Default 5000 ms. */
  timeoutMs?: number;
}
