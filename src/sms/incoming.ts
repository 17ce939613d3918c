/**
 * What a PDU read from a modem (AT+CMGR / AT+CMGL / +CMT / +CDS, with the SMSC field in front as TS 27.005
 * §3.1 PDU mode shows it) means for the receiver: an SMS to store, a status report to apply, or something
 * that could not be decoded (stored anyway, so that nothing is lost). Pure: no I/O, never throws.
 *
 * Dedup key (what makes a network redelivery, or a second read after a crash between storing and
 * deleting, a no-op): the SIM (ICCID; the line when the ICCID is unknown), TP-OA, TP-SCTS (instant and
 * zone, TS 23.040 §9.2.3.11), the concatenation reference/total/sequence (§9.2.3.24.1) and a digest of
 * the text. The SC gives every message its own SCTS, so two genuine messages with the same text from
 * the same sender in the same second are the only ones merged, and those cannot be told apart anyway.
 *
 * SMS commands (commands.ts `screenCommand`) are recognised here, before anything is stored: the
 * IncomingSms carries the masked text (and the dedup key is computed from it: a SHA-256 of the
 * password would be an unsalted hash anyone with the database could try passwords against); the
 * command itself, with the password, travels beside it in memory only. So two command SMS of one kind
 * from one sender within the same second are one: the second is taken for a redelivery (which also
 * holds a guesser to one try per second).
 */
import { createHash } from 'node:crypto';
import { tryDecodePdu, type SmsDeliver, type StatusClass } from '../gsm/index.js';
import type { IncomingSms } from '../store/message-store.js';
import type { ScreenedCommand, SmsCommand } from './commands.js';

/** Recognises an SMS command in a received SMS (commands.ts `screenCommand` with the configuration). */
export type CommandScreen = (sms: { text: string; sender: string; concatenated: boolean }) => ScreenedCommand | null;

/** Who received it: filled into every IncomingSms. */
export interface ReceiveContext {
  line: string;
  slot: string | null;
  iccid: string | null;
  recipient: string | null;
}

/** A status report as `MessageStore.applyStatusReport` wants it (line and time added by the caller). */
export interface ReceivedReport {
  /** TP-MR of the submitted message (TS 23.040 §9.2.3.6). */
  ref: number;
  /** TP-ST (§9.2.3.15). */
  status: number;
  outcome: StatusClass;
  statusText: string;
  /** TP-RA: the number the message went to. */
  recipient: string;
  /** TP-DT: when the outcome happened, as the SC says (ms); the SC's local time when its zone is unknown. */
  dischargedAt: number;
  /** The PDU as read (hex, SMSC field included), kept for the log. */
  pdu: string;
  /** What the decoder tolerated (e.g. a non-BCD time-zone octet); empty for a clean report. */
  warnings: string[];
}

export type Incoming =
  /** `command`: the SMS is a command (its `sms.text` masked); in memory only, never stored. */
  | { kind: 'sms'; sms: IncomingSms; encoding: SmsDeliver['encoding']; command?: SmsCommand }
  | { kind: 'report'; report: ReceivedReport }
  | { kind: 'undecodable'; sms: IncomingSms; error: string };

/** Sender of a message that could not be decoded. */
export const UNKNOWN_SENDER = 'unknown';

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** The dedup key of a received SMS (see the file comment). */
export function dedupKey(k: { sim: string; sender: string; scts: { ms: number; tzMinutes: number } | null; concat: { ref: number; total: number; seq: number } | null; text: string }): string {
  const c = k.concat ? `${k.concat.ref}/${k.concat.total}/${k.concat.seq}` : '-';
  const t = k.scts ? `${k.scts.ms}${k.scts.tzMinutes >= 0 ? '+' : ''}${k.scts.tzMinutes}` : '-';
  return `sms1:${sha256([k.sim, k.sender, t, c, sha256(k.text)].join('\u0000'))}`;
}

function simKey(ctx: ReceiveContext): string {
  return ctx.iccid ? `iccid:${ctx.iccid}` : `line:${ctx.line}`;
}

/** The text stored for a PDU that could not be decoded: why, and the PDU itself. */
export function undecodableText(error: string, pduHex: string): string {
  return `[cellgate: this SMS could not be decoded (${error}); PDU ${pduHex}]`;
}

/** An undecodable PDU as an SMS to store: sender "unknown", deduplicated by the PDU's own digest. */
export function undecodable(pduHex: string, error: string, ctx: ReceiveContext): Extract<Incoming, { kind: 'undecodable' }> {
  const hex = pduHex.toUpperCase();
  return {
    kind: 'undecodable',
    error,
    sms: {
      ...ctx,
      sender: UNKNOWN_SENDER,
      text: undecodableText(error, hex),
      sentAt: null,
      concat: null,
      dedup: `raw1:${sha256(`${simKey(ctx)}\u0000${hex}`)}`,
    },
  };
}

/**
 * Classifies a PDU with its SMSC field (as +CMGR/+CMGL/+CMT/+CDS give it). SMS-DELIVERs become an SMS,
 * SMS-STATUS-REPORTs a report; anything else (an SMS-SUBMIT read back among received messages, a PDU
 * that does not decode) is `undecodable`. `screen` recognises SMS commands (see the file comment).
 */
export function classifyPdu(pduHex: string, ctx: ReceiveContext, screen?: CommandScreen): Incoming {
  if (typeof pduHex !== 'string' || !/^([0-9A-Fa-f]{2})+$/.test(pduHex)) return undecodable(String(pduHex ?? ''), 'not hex octets', ctx);
  const r = tryDecodePdu(pduHex, { withSmsc: true, direction: 'mt' });
  if (!r.ok) return undecodable(pduHex, r.error, ctx);
  const p = r.pdu;
  if (p.type === 'status-report') {
    return {
      kind: 'report',
      report: {
        ref: p.messageRef,
        status: p.status,
        outcome: p.statusClass,
        statusText: p.statusText,
        recipient: p.recipient.number,
        dischargedAt: p.dischargeTime.date.getTime(),
        pdu: pduHex.toUpperCase(),
        warnings: p.warnings,
      },
    };
  }
  if (p.type !== 'deliver') return undecodable(pduHex, `an SMS-${p.type.toUpperCase()}, not a received message`, ctx);
  const sender = p.originator.number || UNKNOWN_SENDER;
  // TS 23.040 §9.2.3.24.1: a "concatenation" of one part is a whole message.
  const concat = p.concat && p.concat.total > 1 && p.concat.seq >= 1 && p.concat.seq <= p.concat.total ? { ref: p.concat.ref, total: p.concat.total, seq: p.concat.seq } : null;
  const sentAt = p.scts.date.getTime();
  const cmd = screen?.({ text: p.text, sender, concatenated: concat !== null }) ?? null;
  const text = cmd ? cmd.storedText : p.text;
  return {
    kind: 'sms',
    encoding: p.encoding,
    sms: {
      ...ctx,
      sender,
      text,
      sentAt,
      concat,
      dedup: dedupKey({ sim: simKey(ctx), sender, scts: { ms: sentAt, tzMinutes: p.scts.tzMinutes }, concat, text }),
      command: cmd ? cmd.command.kind : null,
    },
    ...(cmd ? { command: cmd.command } : {}),
  };
}
