/**
 * Sending a text from a line's bound SIM (architecture flow 4, "SMS out", the modem end): the text is
 * built into SMS-SUBMIT PDUs, concatenated parts when long (TS 23.040 §9.2.3.24.1), and each part goes
 * out through the line's SMS capability in PDU mode (AT+CMGS, TS 27.005 §3.5.1). The line hears of the
 * outcome either way (line.smsSent: its 'sms' event, which the SIM policy counts).
 */
import { AtCommandError } from '../at/types.js';
import { buildSubmitPdus } from '../gsm/index.js';
import type { SmsCapability } from '../../modem-drivers/capabilities.js';
import type { LineSmsEvent } from '../events.js';
import type { Line } from '../line/line.js';
import type { SendingLine } from './scheduler.js';

/** What sending needs of a line (src/line/line.ts). */
export interface TextLine {
  readonly id: number;
  /** The SMS capability while the line is registered; throws otherwise. */
  capability(name: 'sms'): Pick<SmsCapability, 'send'>;
  /** Reports a message sent (or not) from the line. */
  smsSent(sms: LineSmsEvent): void;
}

export interface SendTextOptions {
  /** Service centre to use instead of the SIM's (+CSCA). */
  smsc?: string;
  requestStatusReport?: boolean;
  /** TP-VP, relative (TS 23.040 §9.2.3.12). */
  validityMinutes?: number;
}

/** Why a text was not sent; `definite` = nothing went out (safe to try another line). */
export class SmsSendError extends Error {
  constructor(
    message: string,
    /** Parts the modem accepted before the failure. */
    readonly sentParts: number,
    readonly definite: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SmsSendError';
  }
}

/**
 * The concatenation reference each line used last (TS 23.040 §9.2.3.24.1: the same for every part of
 * one message, different from the line's previous message); starts at a random value per line.
 */
const concatRefs = new WeakMap<TextLine, number>();

function nextConcatRef(line: TextLine): number {
  const ref = ((concatRefs.get(line) ?? Math.floor(Math.random() * 256)) + 1) & 0xff;
  concatRefs.set(line, ref);
  return ref;
}

/**
 * Sends `text` to `to` from `line`. Resolves with the parts' message references (TP-MR, for matching
 * status reports). The caller checks the SIM policy first. Rejects with SmsSendError, which says whether
 * the network may have the message: `definite` is true only when the modem refused the first part
 * (+CMS ERROR), the text could not be encoded or the line was not ready, i.e. nothing went out and
 * another line may try.
 */
export async function sendText(line: TextLine, to: string, text: string, opts: SendTextOptions = {}): Promise<{ parts: number; references: number[] }> {
  let sms: Pick<SmsCapability, 'send'>;
  try {
    sms = line.capability('sms');
  } catch (e) {
    throw new SmsSendError((e as Error).message, 0, true);
  }
  let parts: ReturnType<typeof buildSubmitPdus>;
  try {
    parts = buildSubmitPdus({
      to,
      text,
      concatRef: nextConcatRef(line),
      ...(opts.smsc ? { smsc: opts.smsc } : {}),
      ...(opts.requestStatusReport ? { requestStatusReport: true } : {}),
      ...(opts.validityMinutes ? { validity: opts.validityMinutes } : {}),
    });
  } catch (e) {
    throw new SmsSendError(`cannot encode the SMS: ${(e as Error).message}`, 0, true);
  }
  const references: number[] = [];
  try {
    for (const p of parts) references.push(await sms.send(p.hex, p.tpduLength));
  } catch (e) {
    const msg = (e as Error).message;
    line.smsSent({ to, parts: parts.length, ok: false, error: msg });
    // +CMS ERROR on the first part: the modem refused it, nothing was sent. A timeout or a lost port
    // after AT+CMGS leaves the outcome unknown.
    const definite = references.length === 0 && e instanceof AtCommandError;
    throw new SmsSendError(msg, references.length, definite, { cause: e });
  }
  line.smsSent({ to, parts: parts.length, ok: true, error: null });
  return { parts: parts.length, references };
}

/** A Line as the SMS scheduler sees it (scheduler.ts SendingLine): sendSms() is sendText() on it. */
const sendingLines = new WeakMap<Line, SendingLine>();

export function asSendingLine(line: Line): SendingLine {
  let s = sendingLines.get(line);
  if (!s) {
    s = {
      id: line.id,
      status: () => line.status(),
      sendSms: (to, text, opts) => sendText(line, to, text, opts),
      on: (event, fn) => line.on(event, fn),
      off: (event, fn) => line.off(event, fn),
    };
    sendingLines.set(line, s);
  }
  return s;
}
