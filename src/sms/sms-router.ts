/**
 * The front door of outbound SMS: every way in (HTTP API, SMPP, SIP MESSAGE later, SMS forwards,
 * SMS commands' replies, own-number discovery) submits here. The router
 * - checks the recipient and the text,
 * - rewrites the recipient with the dial rules (manual appendix E; refused in strict mode when no rule
 *   matches),
 * - chooses the lines the message may use: line-prefix matching on the sender or the recipient
 *   (manual §4.3, the same table as calls), intersected with what the caller allows (an SMPP per-line
 *   id, an API `line`),
 * - stores it durably in the outbox and wakes the scheduler. The promise resolves once the message is
 *   durable, so the caller may acknowledge it.
 */
import { planText } from '../gsm/index.js';
import { applyDialRules, parseDialRules, type DialRules } from '../routing/dial-rules.js';
import { parsePrefixList, routeByPrefix, type LinePrefixes } from '../routing/line-prefix.js';
import { newMessageId, type MessageStore, type NewOutbound, type Origin, type OutboundMessage, type UnknownDecision } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import { internalClient, isInternalOrigin } from './client-id.js';
import type { SmsConfig } from '../config/schema-messaging.js';

export interface SubmitRequest {
  origin: Origin;
  /** Who submits it (client-id.ts); internal origins get `internal:<origin>` when not given. */
  client?: string | null;
  /** The originator the client named (SMPP source_addr); used for caller-mode prefix matching. */
  sender?: string | null;
  recipient: string;
  text: string;
  /** Lines the caller restricts the message to; null/absent = any. */
  lines?: number[] | null;
  report?: boolean | 'failure';
  expiresAt?: number | null;
  notBefore?: number | null;
  id?: string;
  /** An SMPP submit's fingerprint, kept until its answer is written (resubmit-guard.ts). */
  answerKey?: string | null;
}

/** Why a submission was refused; `field` names what was wrong (for HTTP 400 / SMPP status). */
export class SubmitError extends Error {
  constructor(
    readonly field: 'recipient' | 'text' | 'lines' | 'validity',
    message: string,
  ) {
    super(message);
    this.name = 'SubmitError';
  }
}

export interface RouterOptions {
  store: MessageStore;
  config: () => SmsConfig;
  /** Line ids and their §4.3 prefix lists (lines[].prefixes). */
  linePrefixes: () => Array<{ line: number; prefixes: string }>;
  /** Called after a message is durable (the scheduler's wake). */
  onQueued: () => void;
  /** A new message was accepted and is durable (published as the SMS pipeline's `sms-accepted`). */
  onAccepted?: (m: OutboundMessage) => void;
  log: Logger;
  now?: () => number;
}

/** 1..20 digits (and * #), optional +: what a modem can address (TS 23.040 §9.1.2.5, 20 semi-octets). */
const RECIPIENT = /^\+?[0-9*#]{1,20}$/;
/** Longest text accepted: 255 concatenated parts of 153 septets. */
const MAX_TEXT = 255 * 153;

export class SmsRouter {
  private rulesText: string | null = null;
  private rules: DialRules = [];
  private readonly now: () => number;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RouterOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Flushes submitted parts whose siblings never came, every 10 s. */
  start(): void {
    this.flushTimer = setInterval(() => void this.flushStaleParts(), 10_000);
    this.flushTimer.unref();
  }

  stop(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
  }

  /** Validates and routes a message, then queues it durably. Throws SubmitError for a bad request. */
  async submit(req: SubmitRequest): Promise<OutboundMessage> {
    const m = this.prepare(req, req.text);
    const stored = await this.o.store.enqueue(m);
    this.o.onQueued();
    this.o.onAccepted?.(stored);
    return stored;
  }

  /**
   * One part of a message the client split itself (SMPP UDH or SAR). Parts are kept durably until all
   * have come; then one message is queued. Resolves with the id the client gets for this part.
   */
  async submitPart(req: SubmitRequest & { concat: { ref: number; total: number; seq: number } }): Promise<{ partId: string; queued: OutboundMessage | null }> {
    const c = req.concat;
    // TS 23.040 §9.2.3.24.1: 2..255 parts, numbered from 1. A bad numbering is the client's error.
    if (!(Number.isInteger(c.total) && Number.isInteger(c.seq) && c.total >= 2 && c.total <= 255 && c.seq >= 1 && c.seq <= c.total)) {
      throw new SubmitError('text', `part ${c.seq} of ${c.total} is not a valid concatenation`);
    }
    const m = this.prepare(req, req.text, { skipTextCheck: true });
    const { text: _t, parts: _p, ...message } = m;
    const partId = req.id ?? newMessageId();
    const groupKey = [req.origin, req.client ?? '', req.sender ?? '', req.recipient, req.concat.ref, req.concat.total].join('|');
    const r = await this.o.store.submitPart({ groupKey, seq: req.concat.seq, total: req.concat.total, partId, text: req.text, message: { ...message, id: undefined } });
    if (r.queued) {
      this.o.onQueued();
      this.o.onAccepted?.(r.queued);
    }
    return { partId, queued: r.queued };
  }

  /**
   * An operator's decision on a message whose outcome is `unknown` (MessageStore.decideUnknown): a
   * resend goes back into the queue (the scheduler is woken), a fail is final. `by` is the client id
   * of who decided. Null when the message is not `unknown`.
   */
  decideUnknown(idOrAlias: string, action: UnknownDecision, by: string): OutboundMessage | null {
    const m = this.o.store.decideUnknown(idOrAlias, action, by);
    if (m) {
      this.o.log.warn({ id: m.id, action, by }, action === 'resend' ? 'message with an unknown outcome queued again by an operator' : 'message with an unknown outcome failed by an operator');
      if (action === 'resend') this.o.onQueued();
    }
    return m;
  }

  async flushStaleParts(): Promise<void> {
    try {
      const cfg = this.o.config();
      const done = await this.o.store.flushStaleSubmitParts(this.now() - cfg.submitPartTimeoutSec * 1000);
      if (done.length) {
        this.o.log.warn({ messages: done.map((m) => m.id) }, 'parts of submitted messages never came; sending what arrived');
        this.o.onQueued();
        for (const m of done) this.o.onAccepted?.(m);
      }
    } catch (e) {
      this.o.log.error({ err: e }, 'flushing submitted parts failed');
    }
  }

  /** The recipient after the dial rules and prefix stripping, and the allowed lines; throws SubmitError. */
  route(req: Pick<SubmitRequest, 'recipient' | 'sender' | 'lines'>): { number: string; lines: number[] | null } {
    const cfg = this.o.config();
    if (typeof req.recipient !== 'string') throw new SubmitError('recipient', 'recipient must be a phone number');
    const recipient = req.recipient.replace(/[\s-]/g, '');
    if (!RECIPIENT.test(recipient)) throw new SubmitError('recipient', `recipient ${JSON.stringify(req.recipient)} is not a phone number (digits, optional leading +, at most 20)`);
    const table: LinePrefixes[] = [];
    for (const l of this.o.linePrefixes()) {
      if (!l.prefixes) continue;
      const p = parsePrefixList(l.prefixes);
      if (p.ok) table.push({ line: l.line, prefixes: p.prefixes });
    }
    const routed = routeByPrefix({ mode: cfg.prefixMatch, strip: cfg.stripPrefix, table, caller: req.sender ?? '', callee: recipient });
    if (!routed) throw new SubmitError('recipient', `no line's prefix matches the ${cfg.prefixMatch === 'caller' ? 'sender' : 'recipient'} (manual §4.3 line-prefix matching)`);
    let lines: number[] | null = routed.lines === 'any' ? null : routed.lines;
    if (req.lines && req.lines.length) {
      lines = lines === null ? [...req.lines] : lines.filter((l) => req.lines!.includes(l));
      if (lines.length === 0) throw new SubmitError('lines', `line ${req.lines.join(', ')} may not carry this message (line-prefix matching allows ${routed.lines === 'any' ? 'any' : routed.lines.join(', ')})`);
    }
    if (routed.callee === '') throw new SubmitError('recipient', 'the recipient is empty once the line prefix is removed');
    const rules = this.dialRules(cfg.dialRules);
    const r = applyDialRules(rules, routed.callee, { strict: cfg.strictDialRules });
    if (!r.ok) throw new SubmitError('recipient', `dial rules refuse ${routed.callee}: ${r.reason}`);
    if (!RECIPIENT.test(r.number)) throw new SubmitError('recipient', `the dial rules made ${JSON.stringify(r.number)} of ${routed.callee}, which is not a phone number`);
    return { number: r.number, lines };
  }

  private prepare(req: SubmitRequest, text: string, opts: { skipTextCheck?: boolean } = {}): NewOutbound {
    if (typeof text !== 'string') throw new SubmitError('text', 'text must be a string');
    if (!opts.skipTextCheck && text.length === 0) throw new SubmitError('text', 'text is empty');
    if (text.length > MAX_TEXT) throw new SubmitError('text', `text is ${text.length} characters; at most ${MAX_TEXT} fit in 255 concatenated parts`);
    if (req.expiresAt !== undefined && req.expiresAt !== null && req.expiresAt <= this.now()) throw new SubmitError('validity', 'the validity period has already run out');
    const { number, lines } = this.route(req);
    const parts = text.length ? planText(text).parts.length : 1;
    if (parts > 255) throw new SubmitError('text', `text needs ${parts} parts; at most 255 are possible`);
    return {
      ...(req.id ? { id: req.id } : {}),
      origin: req.origin,
      client: req.client ?? (isInternalOrigin(req.origin) ? internalClient(req.origin) : null),
      sender: req.sender ?? null,
      recipient: req.recipient,
      number,
      text,
      parts,
      lines,
      report: req.report ?? false,
      notBefore: req.notBefore ?? null,
      expiresAt: req.expiresAt ?? null,
      answerKey: req.answerKey ?? null,
    };
  }

  private dialRules(text: string): DialRules {
    if (text === this.rulesText) return this.rules;
    const p = parseDialRules(text);
    // The configuration was validated; a rule set that does not parse here means no rules.
    this.rules = p.ok ? p.rules : [];
    if (!p.ok) this.o.log.error({ error: p.error }, 'sms.dialRules do not parse; sending without them');
    this.rulesText = text;
    return this.rules;
  }
}
