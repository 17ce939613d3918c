/**
 * The texts a received SMS is forwarded as (manual §4.10 "短信设置"):
 *
 * - to a mobile number ("短信转发至手机"):   `L1,+8613670128297>你好`
 * - to a VoIP extension as a SIP MESSAGE body ("短信转发至 VoIP"): the sender's number on the first
 *   line, then `(L1)` and the text: `+8613670128297` CRLF `(L1)你好`
 * - to a mailbox ("短信转发至邮箱"): subject and plain-text body (our layout; the manual shows none)
 * - to a webhook (ours, not in the manual): a JSON body with a documented shape, signed with HMAC-SHA256
 *
 * `L1` / `(L1)` is line 1 (the manual: "(L1)为 Line 1 的简写").
 *
 * Length: a forwarded SMS is never cut. `L1,<sender>>` adds at least 4 characters to the text, so a
 * full single SMS forwarded to a mobile becomes a concatenated (long) SMS of two or more parts
 * (TS 23.040 §9.2.3.24.1), and a text with characters outside GSM 7-bit is sent in UCS-2. The sender of
 * the forward plans the parts (src/gsm/split.ts); these functions only build the text.
 *
 * Line break of the SIP body: the manual's MESSAGE example has `Content-Length: 26` for
 * `+8613670128297`, a line break and `(L1)你好` (14 + 10 octets in UTF-8), so its line break is CRLF
 * (2 octets). CRLF is therefore the default; `eol: '\n'` is available for consumers that want LF.
 *
 * Pure: no I/O (HMAC via node:crypto); never throws on bad input.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const lineLabel = (line: unknown): string =>
  typeof line === 'number' && Number.isInteger(line) && line >= 0 ? `L${line}` : `L${str(line).replace(/[,>\r\n]/gu, '')}`;

/** §4.10 "短信转发至手机": `L<line>,<from>><text>`. */
export function formatSmsForward(line: number, from: string, text: string): string {
  return `${lineLabel(line)},${str(from)}>${str(text)}`;
}

/**
 * Inverse of formatSmsForward (for tests and for a gateway that receives forwards): the first `>`
 * ends the sender, so a sender containing `>` (possible for alphanumeric senders) does not round-trip.
 */
export function parseSmsForward(forward: string): { line: number; from: string; text: string } | null {
  if (typeof forward !== 'string') return null;
  const m = /^L(\d{1,6}),([^>]*)>([\s\S]*)$/u.exec(forward);
  if (!m) return null;
  return { line: Number(m[1]), from: m[2]!, text: m[3]! };
}

/** §4.10 "短信转发至 VoIP": the SIP MESSAGE body (Content-Type text/plain; charset=UTF-8). */
export function formatSipForwardBody(line: number, from: string, text: string, opts: { eol?: '\r\n' | '\n' } = {}): string {
  const eol = opts?.eol === '\n' ? '\n' : '\r\n';
  return `${str(from).replace(/[\r\n]+/gu, ' ')}${eol}(${lineLabel(line)})${str(text)}`;
}

/** Inverse of formatSipForwardBody; accepts CRLF or LF after the sender. */
export function parseSipForwardBody(body: string): { line: number; from: string; text: string } | null {
  if (typeof body !== 'string') return null;
  const m = /^([^\r\n]*)\r?\n\(L(\d{1,6})\)([\s\S]*)$/u.exec(body);
  if (!m) return null;
  return { line: Number(m[2]), from: m[1]!, text: m[3]! };
}

export interface MailForwardInput {
  line: number;
  /** The sender's number (or alphanumeric name). */
  from: string;
  /** The receiving SIM's own number, when known. */
  to?: string | null;
  text: string;
  /** Reception time, milliseconds since the epoch. */
  receivedAt: number;
  /**
   * A concatenated SMS some of whose parts never arrived (forwarded after the reassembly timeout):
   * `true`, or how many parts arrived of how many.
   */
  partial?: boolean | { received: number; total: number };
}

/** One line of at most `max` characters, control characters replaced by spaces (a subject is a header). */
function oneLine(s: string, max: number): string {
  const flat = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/gu, ' ').replace(/ {2,}/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

function isoTime(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return 'unknown time';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? 'unknown time' : d.toISOString().replace(/\.\d{3}Z$/u, 'Z');
}

function partialNote(p: MailForwardInput['partial']): string | null {
  if (p === true) return 'incomplete: some parts of this message did not arrive';
  if (p && typeof p === 'object' && Number.isFinite(p.received) && Number.isFinite(p.total)) {
    return `incomplete: ${p.received} of ${p.total} parts arrived`;
  }
  return null;
}

/**
 * §4.10 "短信转发至邮箱": subject `SMS L1 from +8613670128297: <start of the text>` (`[incomplete]`
 * in front for a partial message), and a plain-text body:
 *
 *   From: +8613670128297
 *   To: +8613800000000          (when the SIM's number is known)
 *   Line: L1
 *   Received: 2024-05-01T08:30:00Z
 *   Note: incomplete: 2 of 3 parts arrived   (partial messages only)
 *
 *   你好
 */
export function formatMailForward(input: MailForwardInput): { subject: string; text: string } {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Partial<MailForwardInput>;
  const label = lineLabel(i.line);
  const from = oneLine(str(i.from), 64) || 'unknown sender';
  const text = str(i.text);
  const note = partialNote(i.partial);
  const preview = oneLine(text, 40);
  const subject = `${note ? '[incomplete] ' : ''}SMS ${label} from ${from}${preview ? `: ${preview}` : ''}`;
  const head = [`From: ${from}`];
  const to = oneLine(str(i.to), 64);
  if (to) head.push(`To: ${to}`);
  head.push(`Line: ${label}`, `Received: ${isoTime(i.receivedAt)}`);
  if (note) head.push(`Note: ${note}`);
  return { subject, text: `${head.join('\n')}\n\n${text}` };
}

export interface WebhookSmsInput {
  /** Our durable message id. */
  id: string;
  line: number;
  /** SIM slot (1-4) the SMS arrived on, when known. */
  slot?: number | null;
  from: string;
  to?: string | null;
  text: string;
  /** Milliseconds since the epoch. */
  receivedAt: number;
  partial?: boolean | { received: number; total: number };
}

/**
 * The webhook JSON payload, version 1. Keys always appear in this order, none is ever missing:
 *
 *   { "event": "sms.received", "version": 1, "id": "…", "line": 1, "slot": 2 | null,
 *     "from": "+8613670128297", "to": "+86…" | null, "text": "你好",
 *     "receivedAt": "2024-05-01T08:30:00.000Z" | null,
 *     "partial": false, "parts": null | { "received": 2, "total": 3 } }
 */
export interface WebhookSmsPayload {
  event: 'sms.received';
  version: 1;
  id: string;
  line: number | null;
  slot: number | null;
  from: string;
  to: string | null;
  text: string;
  receivedAt: string | null;
  partial: boolean;
  parts: { received: number; total: number } | null;
}

const intOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

export function buildWebhookPayload(input: WebhookSmsInput): WebhookSmsPayload {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Partial<WebhookSmsInput>;
  const p = i.partial;
  const parts =
    p && typeof p === 'object' && Number.isInteger(p.received) && Number.isInteger(p.total)
      ? { received: p.received, total: p.total }
      : null;
  const when = typeof i.receivedAt === 'number' && Number.isFinite(i.receivedAt) ? new Date(i.receivedAt) : null;
  return {
    event: 'sms.received',
    version: 1,
    id: str(i.id),
    line: intOrNull(i.line),
    slot: intOrNull(i.slot),
    from: str(i.from),
    to: typeof i.to === 'string' && i.to !== '' ? i.to : null,
    text: str(i.text),
    receivedAt: when && !Number.isNaN(when.getTime()) ? when.toISOString() : null,
    partial: p === true || parts !== null,
    parts,
  };
}

/** The request body: JSON of buildWebhookPayload, keys in the documented order. */
export function formatWebhookBody(input: WebhookSmsInput): string {
  return JSON.stringify(buildWebhookPayload(input));
}

const hmacHex = (secret: string, t: number, body: string): string =>
  createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.${body}`, 'utf8').digest('hex');

/**
 * The signature header value (e.g. `X-Cellgate-Signature`): `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" with the secret>`. `unixSeconds` is in seconds; a fractional part is dropped.
 */
export function signWebhook(body: string, secret: string, unixSeconds: number): string {
  const t = Number.isFinite(unixSeconds) ? Math.max(0, Math.floor(unixSeconds)) : 0;
  return `t=${t},v1=${hmacHex(str(secret), t, str(body))}`;
}

export type WebhookVerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a signature header against the body: some `v1=` value (several are allowed, for secret
 * rotation) must equal the HMAC, compared in constant time, and `t` must be within `toleranceSec` of
 * `nowSeconds` (unix seconds) in either direction.
 */
export function verifyWebhook(header: string, body: string, secret: string, toleranceSec: number, nowSeconds: number): WebhookVerifyResult {
  if (typeof header !== 'string' || typeof body !== 'string' || typeof secret !== 'string') {
    return { ok: false, reason: 'header, body and secret must be texts' };
  }
  let t: number | null = null;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/u.test(value)) return { ok: false, reason: 'the timestamp is not a number of seconds' };
      t = Number(value);
    } else if (key === 'v1') {
      sigs.push(value.toLowerCase());
    }
  }
  if (t === null) return { ok: false, reason: 'no timestamp (t=) in the signature header' };
  if (sigs.length === 0) return { ok: false, reason: 'no v1 signature in the signature header' };
  if (!Number.isFinite(toleranceSec) || !Number.isFinite(nowSeconds) || Math.abs(nowSeconds - t) > toleranceSec) {
    return { ok: false, reason: 'the timestamp is outside the tolerance' };
  }
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  for (const s of sigs) {
    if (!/^[0-9a-f]{64}$/u.test(s)) continue;
    if (timingSafeEqual(Buffer.from(s, 'hex'), expected)) return { ok: true, timestamp: t };
  }
  return { ok: false, reason: 'no signature matches' };
}
