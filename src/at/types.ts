/**
 * Contracts of the AT engine: what a transport offers, what a command looks like, what comes back.
 * Modem drivers are written against these types only (never against a tty).
 */

/** A byte pipe to a modem's AT port: a serial port, a pseudo-terminal, or an in-process fake. */
export interface AtTransport {
  write(data: Buffer | string): void;
  /** Registers the one data listener (the channel). */
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the port goes away (unplugged, closed, read error). */
  onClose(listener: (err?: Error) => void): void;
  close(): Promise<void>;
}

/**
 * Final result codes (ITU-T V.250 §5.7.1 and 3GPP TS 27.007 §9.2 / TS 27.005 §3.2.5).
 * `code`/`text`: `+CME ERROR: 10` gives code 10; `+CME ERROR: SIM not inserted` (AT+CMEE=2) gives text.
 */
export type FinalResult =
  | { kind: 'OK' }
  | { kind: 'ERROR' }
  | { kind: 'CME ERROR'; code: number | null; text: string | null }
  | { kind: 'CMS ERROR'; code: number | null; text: string | null }
  | { kind: 'NO CARRIER' }
  | { kind: 'BUSY' }
  | { kind: 'NO ANSWER' }
  | { kind: 'NO DIALTONE' }
  | { kind: 'CONNECT'; text: string };

export type FinalKind = FinalResult['kind'];

/** Queue priority: a higher one is sent first; equal ones keep their order. */
export type Priority = 'urgent' | 'high' | 'normal' | 'low';

export interface AtCommand {
  /** Command text without the trailing CR, e.g. `AT+CSQ`. */
  cmd: string;
  /**
   * Information-response prefixes that belong to this command, e.g. `['+CSQ:']`. Such lines are part of
   * the response even when they also look like URCs (`AT+CREG?` answers `+CREG:` which is also a URC).
   */
  prefixes?: readonly string[];
  /**
   * Whether lines that match no prefix and no known URC belong to the response. ATI, AT+CGSN, AT+CIMI
   * and AT+CGMR answer with bare lines. Defaults to true when `prefixes` is empty or absent, else false.
   */
  bare?: boolean;
  /** After an information line starting with one of these, the next line is a PDU body (AT+CMGR, AT+CMGL). */
  pduAfter?: readonly string[];
  /** Text sent after the `> ` prompt, followed by Ctrl-Z (AT+CMGS / AT+CMGW, TS 27.005 §3.5.1). */
  promptData?: string;
  /**
   * Bytes sent as they are after an intermediate `CONNECT` (vendor upload commands such as Quectel
   * AT+QHTTPURL=<len>,<timeout>: CONNECT, then exactly <len> bytes, then OK). The command then goes on
   * waiting for its final result.
   */
  connectData?: string;
  /**
   * Result codes that end this command besides OK/ERROR/+CME/+CMS. ATD ends on NO CARRIER, BUSY,
   * NO ANSWER, NO DIALTONE or CONNECT; for other commands those lines are unsolicited (a call ended).
   */
  extraFinals?: readonly FinalKind[];
  /** Milliseconds to wait for the final result; the channel's default when absent. */
  timeoutMs?: number;
  priority?: Priority;
  /** Keep the command text out of logs (PIN/PUK entry, passwords). */
  secret?: boolean;
  /**
   * The modem waits for the network before answering (ATD, AT+CMGS, AT+CUSD, AT+COPS=…): silence while
   * this command is in flight is normal, so the line's watchdog does not judge the modem by it.
   */
  network?: boolean;
}

export interface AtResponse {
  cmd: string;
  final: FinalResult;
  /** Information lines in order (PDU bodies included where `pduAfter` says so); echo removed. */
  lines: string[];
  /** True when final.kind is OK (or CONNECT). */
  ok: boolean;
}

/** An unsolicited result code (TS 27.007 §9.2.1 style: RING, +CMTI: "SM",3, +CREG: 1, ...). */
export interface Urc {
  line: string;
  /** The line that followed, for URCs that carry a PDU (+CMT, +CDS; TS 27.005 §3.4.1). */
  body?: string;
  /** False when no URC prefix matched (kept for logs and drivers that want odd lines). */
  known: boolean;
}

export interface UrcSpec {
  /** Line prefix, e.g. `+CMTI:` or `RING`. */
  prefix: string;
  /** The next line is a PDU body belonging to this URC. */
  pduFollows?: boolean;
}

/** The surface drivers use: one command at a time, URCs delivered to listeners. */
export interface AtChannelApi {
  /** Sends a command; resolves with any final result; rejects only on timeout or closed port. */
  send(command: AtCommand): Promise<AtResponse>;
  /** Like send, but rejects with AtCommandError unless the final result is OK/CONNECT. Resolves info lines. */
  exec(command: AtCommand | string): Promise<string[]>;
  /** Adds URC prefixes (drivers add their vendor URCs). */
  registerUrc(spec: UrcSpec): void;
  onUrc(listener: (urc: Urc) => void): () => void;
}

export class AtError extends Error {}

export class AtTimeoutError extends AtError {
  constructor(readonly cmd: string, readonly timeoutMs: number) {
    super(`${cmd}: no final result within ${timeoutMs} ms`);
    this.name = 'AtTimeoutError';
  }
}

export class AtClosedError extends AtError {
  constructor(readonly cmd: string, reason?: string) {
    super(`${cmd}: AT port closed${reason ? ` (${reason})` : ''}`);
    this.name = 'AtClosedError';
  }
}

/**
 * The command's answer cannot be told apart from another's: the modem sat at a `> ` prompt nobody asked
 * for, took the command as PDU text, and was left with ESC. Whether it ran is unknown.
 */
export class AtInterruptedError extends AtError {
  constructor(readonly cmd: string, reason: string) {
    super(`${cmd}: ${reason}`);
    this.name = 'AtInterruptedError';
  }
}

export class AtCommandError extends AtError {
  constructor(readonly cmd: string, readonly final: FinalResult, readonly lines: string[] = []) {
    super(`${cmd}: ${formatFinal(final)}`);
    this.name = 'AtCommandError';
  }
}

export function formatFinal(f: FinalResult): string {
  switch (f.kind) {
    case 'CME ERROR':
    case 'CMS ERROR':
      return `+${f.kind}: ${f.text ?? f.code ?? ''}`;
    case 'CONNECT':
      return f.text ? `CONNECT ${f.text}` : 'CONNECT';
    default:
      return f.kind;
  }
}
