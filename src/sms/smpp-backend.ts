/**
 * The message core behind the SMPP SMSC (src/smpp/): accounts, durable submits, query_sm, and the
 * deliver_sm items (received SMS and delivery receipts) kept in the `deliveries` table until a
 * receiver of the account acknowledges them.
 *
 * Accounts (manual §4.1 "SMPP SMSC"): an account with system_id `1` and `perLineIds` also accepts the
 * system_ids `101`, `102`, … — the account's id followed by the line number in two digits. A session
 * bound under a line id submits through that line only, and as a receiver gets only that line's
 * messages; bound under the account's own id it uses and receives all the account's lines.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Delivery, MessageStore, OutboundMessage, NewDelivery } from '../store/message-store.js';
import { smppClient, smppSystemIdOf } from './client-id.js';
import { lineNumberOf } from './fanout.js';
import type { Logger } from '../util/log.js';
import type { AuthResult, DeliverItem, QueryResult, ReceiptStat, SessionInfo, SmscBackend, SubmitRequest, SubmitResult } from '../smpp/types.js';
import type { SmppAccount, SmppConfig } from '../config/schema-messaging.js';
import { SubmitError, type SmsRouter } from './sms-router.js';
import { fingerprintKey, type ResubmitGuard } from './resubmit-guard.js';

/** SMPP 3.4 §5.1.3 command_status values used here. */
const ESME_RINVPASWD = 0x0e;
const ESME_RINVSYSID = 0x0f;
const ESME_RINVDSTADR = 0x0b;
const ESME_RINVMSGLEN = 0x01;
const ESME_RSYSERR = 0x08;
const ESME_RINVEXPIRY = 0x62;
const ESME_RSUBMITFAIL = 0x45;

/** message_state, SMPP 3.4 §5.2.28. */
const STATE = { ENROUTE: 1, DELIVERED: 2, EXPIRED: 3, DELETED: 4, UNDELIVERABLE: 5, ACCEPTED: 6, UNKNOWN: 7, REJECTED: 8 } as const;

export interface SmppAccountRef {
  /** The configured account's system_id. */
  account: string;
  /** The line of a per-line id, else null. */
  line: number | null;
  /** Lines the account may use (null = all). */
  lines: number[] | null;
}

export interface SmppBackendOptions {
  store: MessageStore;
  router: SmsRouter;
  config: () => SmppConfig;
  /** The SIM's own number on a line (for the "line number" option), when known. */
  lineNumber: (line: number) => string | null;
  /** Matches an ESME's resubmission after a restart to the copy stored before it (decision 0020). */
  resubmits?: ResubmitGuard;
  log: Logger;
  now?: () => number;
}

/** Payload of a 'smpp-receipt' delivery job. */
export interface SmppReceiptPayload {
  messageId: string;
  stat: ReceiptStat;
  err: number;
  submitDate: number;
  doneDate: number;
  text: string;
  /** The message's recipient (the receipt's source address) and original sender (its destination). */
  recipient: string;
  sender: string | null;
  line: number | null;
}

export class SmppBackend implements SmscBackend {
  private readonly now: () => number;

  constructor(private readonly o: SmppBackendOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Resolves a system_id to its account and, for a per-line id, the line. */
  resolve(systemId: string): { account: SmppAccount; line: number | null } | null {
    for (const a of this.o.config().accounts) {
      if (a.systemId === systemId) return { account: a, line: null };
    }
    for (const a of this.o.config().accounts) {
      if (!a.perLineIds || !systemId.startsWith(a.systemId)) continue;
      const rest = systemId.slice(a.systemId.length);
      if (!/^\d{2,}$/.test(rest)) continue;
      const line = Number(rest);
      // The line number written in two digits (more from line 100 on), no other spelling: "1001" is
      // not line 1 of account "1", so it can still be line 1 of an account "10".
      if (rest !== String(line).padStart(2, '0')) continue;
      if (line >= 1 && (!a.lines || a.lines.includes(line))) return { account: a, line };
    }
    return null;
  }

  authenticate(req: { systemId: string; password: string }): AuthResult {
    const r = this.resolve(req.systemId);
    if (!r) return { ok: false, status: ESME_RINVSYSID };
    if (!safeEqual(r.account.password, req.password)) return { ok: false, status: ESME_RINVPASWD };
    const account: SmppAccountRef = { account: r.account.systemId, line: r.line, lines: r.line !== null ? [r.line] : (r.account.lines ?? null) };
    return { ok: true, account };
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    const acc = req.session.account as SmppAccountRef;
    // Parts are not fingerprinted: a resubmitted part that is still waiting for its siblings is
    // refused as a repeat by the store (docs/smpp.md, "Exactly once").
    const answerKey = req.concat && req.concat.total > 1 ? null : fingerprintKey({ account: acc.account, source: req.source, dest: req.dest, dataCoding: req.dataCoding, concat: req.concat, text: req.text });
    const claimed = answerKey !== null ? this.o.resubmits?.claim(answerKey) : null;
    if (claimed) {
      try {
        const id = await claimed;
        if (id !== null) return { ok: true, messageId: id };
      } catch (e) {
        this.o.log.error({ err: e }, 'SMPP resubmission could not be matched to its stored copy');
        return { ok: false, status: ESME_RSYSERR, reason: `not stored: ${(e as Error).message}` };
      }
    }
    const base = {
      origin: 'smpp' as const,
      client: smppClient(acc.account),
      sender: req.source.addr || null,
      recipient: internationalise(req.dest.addr, req.dest.ton),
      text: req.text,
      lines: acc.lines,
      // SMPP 3.4 §5.2.17: 1 = receipt on success or failure, 2 = on failure only.
      report: (req.registeredDelivery & 0x03) === 2 ? ('failure' as const) : (req.registeredDelivery & 0x03) !== 0,
      expiresAt: req.expiresAt,
      notBefore: req.notBefore,
    };
    try {
      if (req.concat && req.concat.total > 1) {
        const r = await this.o.router.submitPart({ ...base, concat: req.concat });
        return { ok: true, messageId: r.partId };
      }
      const m = await this.o.router.submit({ ...base, answerKey });
      return { ok: true, messageId: m.id };
    } catch (e) {
      if (e instanceof SubmitError) {
        const status = e.field === 'recipient' ? ESME_RINVDSTADR : e.field === 'text' ? ESME_RINVMSGLEN : e.field === 'validity' ? ESME_RINVEXPIRY : ESME_RSUBMITFAIL;
        return { ok: false, status, reason: e.message };
      }
      this.o.log.error({ err: e }, 'SMPP submit could not be stored');
      return { ok: false, status: ESME_RSYSERR, reason: `not stored: ${(e as Error).message}` };
    }
  }

  answered(req: SubmitRequest, messageId: string): void {
    if (req.concat && req.concat.total > 1) return;
    if (this.o.resubmits) this.o.resubmits.answered(messageId);
    else this.o.store.answers.markAnswered(messageId);
  }

  query(session: SessionInfo, messageId: string): QueryResult | null {
    const acc = session.account as SmppAccountRef;
    const m = this.o.store.getOutbound(messageId);
    if (!m) return null;
    if (m.origin !== 'smpp' || m.client !== smppClient(acc.account)) return null;
    return { messageId, state: messageState(m), finalDate: m.doneAt, errorCode: 0 };
  }

  pending(session: SessionInfo, limit: number, exclude: ReadonlySet<string>): DeliverItem[] {
    const acc = session.account as SmppAccountRef;
    const out: DeliverItem[] = [];
    if (limit <= 0) return out;
    for (const kind of ['smpp-receipt', 'smpp-mo'] as const) {
      // Only this account's jobs, paged, so that no backlog of another account (or of another line of
      // this one, or items in flight) hides them.
      let after = 0;
      for (;;) {
        const page = this.o.store.pendingFor(kind, acc.account, Math.max(64, limit * 4), after);
        if (page.length === 0) break;
        after = page[page.length - 1]!.seq;
        for (const d of page) {
          if (exclude.has(d.id)) continue;
          const item = this.toItem(d, session, acc);
          if (!item) continue;
          out.push(item);
          if (out.length >= limit) return out;
        }
      }
    }
    return out;
  }

  delivered(itemId: string): void {
    this.o.store.completeDelivery(itemId);
  }

  deliveryFailed(itemId: string, _session: SessionInfo, reason: string): void {
    // The item stays pending for the next receiver; attempts and the last error are recorded.
    this.o.store.failDelivery(itemId, reason, this.now());
  }

  /**
   * The receipts an outbound message reaching a final status causes (the store's final hook): one per
   * message id the client got (a message submitted in parts has one id per part).
   */
  receiptsFor(m: OutboundMessage): NewDelivery[] {
    const account = smppSystemIdOf(m.client);
    if (m.origin !== 'smpp' || !m.report || account === null) return [];
    const stat = receiptStat(m);
    if (m.reportFailureOnly && stat === 'DELIVRD') return [];
    return [m.id, ...m.aliases].map((id) => ({
      kind: 'smpp-receipt',
      target: account,
      payload: {
        messageId: id,
        stat,
        err: stat === 'DELIVRD' ? 0 : 1,
        submitDate: m.createdAt,
        doneDate: m.doneAt ?? this.now(),
        text: m.text.slice(0, 20),
        recipient: m.recipient,
        sender: m.sender,
        line: m.line ? Number(m.line) : null,
      } satisfies SmppReceiptPayload,
    }));
  }

  private toItem(d: Delivery, session: SessionInfo, acc: SmppAccountRef): DeliverItem | null {
    if (d.kind === 'smpp-mo') {
      const m = this.o.store.getInbound(d.ref);
      const line = m ? lineNumberOf(m) : null;
      if (!m || line === null) {
        // The message is gone (purged by retention) or not from a numbered line: it can never be
        // delivered, so it is failed rather than offered (and skipped) at every pull.
        this.o.store.failDelivery(d.id, m ? `line ${JSON.stringify(m.line)} is not a line number` : 'the received message no longer exists', null);
        return null;
      }
      if (acc.lines && !acc.lines.includes(line)) return null;
      const own = this.o.config().lineNumber ? (m.recipient ?? this.o.lineNumber(line)) : null;
      return {
        id: d.id,
        kind: 'mo',
        source: addr(m.sender),
        // §4.1 "线路号码": the SIM's number when the option is on (and the number is known), else the bound id.
        dest: own ? addr(own) : { ton: 0, npi: 0, addr: session.systemId },
        text: m.text,
      };
    }
    const p = d.payload as SmppReceiptPayload;
    if (acc.line !== null && p.line !== null && p.line !== acc.line) return null;
    return {
      id: d.id,
      kind: 'receipt',
      // SMPP 3.4 §2.11: the receipt's source is the original destination, its destination the original source.
      source: addr(p.recipient),
      dest: p.sender ? addr(p.sender) : { ton: 0, npi: 0, addr: session.systemId },
      text: '',
      receipt: { messageId: p.messageId, stat: p.stat, err: p.err, submitDate: p.submitDate, doneDate: p.doneDate, text: p.text },
    };
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An international number with TON 1 (SMPP 3.4 §5.2.5) written without '+' gets one. */
function internationalise(a: string, ton: number): string {
  return ton === 1 && /^\d+$/.test(a) ? `+${a}` : a;
}

function addr(n: string): { ton: number; npi: number; addr: string } {
  if (n.startsWith('+')) return { ton: 1, npi: 1, addr: n.slice(1) };
  if (/^\d+$/.test(n)) return { ton: 0, npi: 1, addr: n };
  return { ton: 5, npi: 0, addr: n.slice(0, 20) }; // alphanumeric
}

function messageState(m: OutboundMessage): number {
  switch (m.status) {
    case 'queued':
    case 'sending':
    case 'sent':
      return STATE.ENROUTE;
    case 'delivered':
      return STATE.DELIVERED;
    case 'expired':
      return STATE.EXPIRED;
    case 'failed':
      return STATE.UNDELIVERABLE;
    default:
      return STATE.UNKNOWN;
  }
}

function receiptStat(m: OutboundMessage): ReceiptStat {
  switch (m.status) {
    case 'delivered':
      return 'DELIVRD';
    case 'expired':
      return 'EXPIRED';
    case 'failed':
      return 'UNDELIV';
    default:
      return 'UNKNOWN';
  }
}
