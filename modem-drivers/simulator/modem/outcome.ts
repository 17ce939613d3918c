/**
 * What executing one command yields, and how results are framed on the wire (ITU-T V.250 §5.7.1):
 * verbose (ATV1) `<CR><LF>text<CR><LF>`, numeric (ATV0) info `text<CR><LF>` and result codes `<n><CR>`.
 * Pure.
 */
import { cmeVerboseText, cmsVerboseText } from './error-table.js';

export type Final =
  | { kind: 'OK' }
  | { kind: 'ERROR' }
  /** +CME ERROR (TS 27.007 §9.2), shaped by +CMEE. */
  | { kind: 'CME'; code: number }
  /** +CMS ERROR (TS 27.005 §3.2.5). */
  | { kind: 'CMS'; code: number }
  | { kind: 'NO CARRIER' }
  | { kind: 'BUSY' }
  | { kind: 'NO ANSWER' }
  | { kind: 'NO DIALTONE' }
  /** A final text given verbatim (failCommand faults). */
  | { kind: 'RAW'; text: string };

/** What the DCE does after `> ` (TS 27.005 §3.5.1). */
export interface PromptHandler {
  /** Data ended with Ctrl-Z. */
  data(text: string): Outcome | Promise<Outcome>;
  /** ESC: the command is abandoned; OK is the usual answer. */
  cancel(): Outcome;
}

/** What the DCE does after an intermediate `CONNECT` of a vendor upload command (Quectel AT+QHTTPURL). */
export interface ConnectHandler {
  /** Exactly this many bytes are taken as data. */
  length: number;
  /** All bytes arrived (latin1 text); the outcome's final result ends the command. */
  data(text: string): Outcome | Promise<Outcome>;
  /** The bytes did not all arrive within this time (clock ms); `timeout()` ends the command. */
  timeoutMs: number;
  timeout(): Outcome;
}

export interface Outcome {
  /** Information responses; each inner list is one unit (a header and its PDU, a +CMGL entry). */
  info?: string[][];
  /** Absent = success, the next command of the line runs. */
  final?: Final;
  /** Print `> ` and collect data; ends the command line. */
  prompt?: PromptHandler;
  /** Print CONNECT and take a fixed number of data bytes; ends the command line. */
  connect?: ConnectHandler;
  /** Runs once the final result has been written (CFUN=1,1 restarts after its OK). */
  after?: () => void;
}

export const OK: Outcome = {};
export const ERROR: Outcome = { final: { kind: 'ERROR' } };

export function info(...lines: string[]): Outcome {
  return { info: lines.map((l) => [l]) };
}
export function cme(code: number): Outcome {
  return { final: { kind: 'CME', code } };
}
export function cms(code: number): Outcome {
  return { final: { kind: 'CMS', code } };
}

const NUMERIC: Record<string, number> = { OK: 0, CONNECT: 1, 'NO CARRIER': 3, ERROR: 4, 'NO DIALTONE': 6, BUSY: 7, 'NO ANSWER': 8 };

export interface FrameOptions {
  verbose: boolean;
  quiet: boolean;
  cmee: 0 | 1 | 2;
}

export function frameInfo(blocks: readonly (readonly string[])[] | undefined, o: FrameOptions): string {
  if (!blocks) return '';
  let s = '';
  for (const b of blocks) s += o.verbose ? `\r\n${b.join('\r\n')}\r\n` : `${b.join('\r\n')}\r\n`;
  return s;
}

/** The final result text (before framing); null when nothing is printed. */
export function finalText(f: Final, o: FrameOptions): string {
  switch (f.kind) {
    case 'CME':
      if (o.cmee === 0) return 'ERROR';
      return `+CME ERROR: ${o.cmee === 2 ? (cmeVerboseText(f.code) ?? String(f.code)) : f.code}`;
    case 'CMS':
      return `+CMS ERROR: ${o.cmee === 2 ? (cmsVerboseText(f.code) ?? String(f.code)) : f.code}`;
    case 'RAW':
      return f.text;
    default:
      return f.kind;
  }
}

export function frameFinal(f: Final, o: FrameOptions): string {
  if (o.quiet) return '';
  const text = finalText(f, o);
  if (o.verbose) return `\r\n${text}\r\n`;
  const n = NUMERIC[text];
  return n !== undefined ? `${n}\r` : `${text}\r\n`;
}
