/**
 * Durable messaging data in `cellgate.db`: the outbound queue with each message's status, the inbox,
 * the reassembly buffers of concatenated messages (received ones and ones submitted in parts over
 * SMPP), the fan-out jobs ("deliveries": SMPP deliver_sm, e-mail, webhook, SMS forward, SIP MESSAGE)
 * and the own numbers learned per ICCID.
 *
 * Rules:
 * - Anything accepted from a client goes through `GroupCommit`: the promise resolves after COMMIT,
 *   so an acknowledgement (submit_sm_resp, HTTP 202) always follows durability; writes arriving in
 *   the same event-loop turn share one fsync.
 * - A received message and the fan-out jobs it causes are written in one transaction, before the
 *   message is deleted from the modem; a crash in between means the modem still has it and the
 *   `dedup` key makes the second store a no-op. A received SMS command gets no fan-out jobs.
 * - Status changes of outbound messages are conditional on the status they leave (an UPDATE that
 *   matches no row changes nothing), so a late outcome never overwrites a newer one.
 */
import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { planText } from '../gsm/split.js';
import { dbFilePath, openDatabase, toStoreError, type Db } from './db.js';
import { GroupCommit } from './group-commit.js';
import { WalSync } from './wal-sync.js';
import { SubmitAnswers } from './submit-answers.js';
import { MIGRATIONS } from './migrations.js';
import { deliveryFromRow, inFromRow, outFromRow, slotIndex, slotLetter, type DeliveryRow, type InRow, type OutRow } from './message-rows.js';
import type {
  Delivery,
  Fanout,
  FinalHook,
  InboundMessage,
  IncomingSms,
  MessageQuery,
  NewDelivery,
  NewOutbound,
  OutboundMessage,
  OutStatus,
  Page,
  StatusReportInput,
  UnknownDecision,
} from './message-types.js';

export * from './message-types.js';

export interface MessageStoreOptions {
  now?: () => number;
  /** Jobs to add when an outbound message reaches a final status. */
  onFinal?: FinalHook;
  /** Fault injection for tests: group-commit syncs resolve this much later (WalSync, a slow disk). */
  ackSyncDelayMs?: number;
}

/** Random bytes drawn 4 KiB at a time: one syscall per 512 ids instead of one per id. */
let idPool = Buffer.alloc(0);
let idPos = 0;

/** A new message id: 16 hex digits (64 random bits). */
export function newMessageId(): string {
  if (idPos + 8 > idPool.length) {
    idPool = randomBytes(4096);
    idPos = 0;
  }
  const id = idPool.toString('hex', idPos, idPos + 8);
  idPos += 8;
  return id;
}

function likeEscape(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class MessageStore {
  readonly file: string;
  readonly group: GroupCommit;
  readonly wal: WalSync;
  /** Which SMPP submits were answered; stored copies held after a restart (decision 0020). */
  readonly answers: SubmitAnswers;
  private readonly checkpointTimer: NodeJS.Timeout;
  private readonly db: Db;
  private readonly now: () => number;
  private readonly onFinal: FinalHook | undefined;
  private readonly s: Record<string, Statement<unknown[], unknown>>;
  private closed = false;

  static open(dataDir: string, opts: MessageStoreOptions = {}): MessageStore {
    return MessageStore.openFile(dbFilePath(dataDir), opts);
  }

  static openFile(file: string, opts: MessageStoreOptions = {}): MessageStore {
    const db = openDatabase(file, { migrations: MIGRATIONS });
    try {
      return new MessageStore(db, file, opts);
    } catch (e) {
      db.close();
      throw toStoreError(e, file, 'preparing statements');
    }
  }

  private constructor(db: Db, file: string, opts: MessageStoreOptions) {
    this.db = db;
    this.file = file;
    this.now = opts.now ?? Date.now;
    this.onFinal = opts.onFinal;
    // COMMIT does not fsync on this connection; WalSync does, off the event loop for group commits.
    this.wal = new WalSync(db, file, { ackSyncDelayMs: opts.ackSyncDelayMs ?? 0 });
    this.group = new GroupCommit(db, { durable: () => this.wal.sync() });
    this.answers = new SubmitAnswers(db, this.group);
    this.checkpointTimer = setInterval(() => {
      try {
        this.wal.checkpoint();
      } catch {
        /* busy with another connection's transaction: the next tick tries again */
      }
    }, 1000);
    this.checkpointTimer.unref();
    const p = (sql: string) => db.prepare(sql) as Statement<unknown[], unknown>;
    this.s = {
      insertOut: p(`INSERT INTO sms_out (id, origin, client, sender, recipient, number, text, parts, lines, status, report, partial, created_at, not_before, expires_at, updated_at, answer_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`),
      insertAlias: p('INSERT OR IGNORE INTO sms_out_alias (alias, message) VALUES (?, ?)'),
      outById: p('SELECT * FROM sms_out WHERE id = ?'),
      outByAlias: p('SELECT o.* FROM sms_out_alias a JOIN sms_out o ON o.id = a.message WHERE a.alias = ?'),
      aliases: p('SELECT alias FROM sms_out_alias WHERE message = ? ORDER BY alias'),
      decisions: p('SELECT action, actor, at FROM sms_out_decisions WHERE message = ? ORDER BY seq'),
      insertDecision: p('INSERT INTO sms_out_decisions (message, action, actor, at) VALUES (?, ?, ?, ?)'),
      resendUnknown: p(`UPDATE sms_out SET status = 'queued', reason = ?, tried = '[]', not_before = NULL, sent_at = NULL, done_at = NULL, updated_at = ?
                         WHERE id = ? AND status = 'unknown'`),
      deleteParts: p('DELETE FROM sms_out_parts WHERE message = ?'),
      // Held messages (submit-answers.ts) wait for a resubmission to claim them or for their window to end.
      queued: p(`SELECT * FROM sms_out WHERE status = 'queued' AND held = 0 AND seq > ? ORDER BY seq LIMIT ?`),
      countQueued: p(`SELECT count(*) AS n FROM sms_out WHERE status = 'queued'`),
      setSending: p(`UPDATE sms_out SET status = 'sending', line = ?, slot = ?, iccid = ?, attempts = attempts + 1, reason = NULL, updated_at = ?
                     WHERE id = ? AND status = 'queued'`),
      setSent: p(`UPDATE sms_out SET status = 'sent', sent_at = ?, updated_at = ?, reason = NULL WHERE id = ? AND status = 'sending'`),
      insertPart: p('INSERT OR REPLACE INTO sms_out_parts (message, part, line, ref, sent_at) VALUES (?, ?, ?, ?, ?)'),
      requeue: p(`UPDATE sms_out SET status = 'queued', reason = ?, tried = ?, not_before = ?, updated_at = ? WHERE id = ? AND status = 'sending'`),
      finish: p(`UPDATE sms_out SET status = ?, reason = ?, done_at = ?, updated_at = ? WHERE id = ? AND status IN (SELECT value FROM json_each(?))`),
      sendingAll: p(`SELECT * FROM sms_out WHERE status = 'sending'`),
      expiredQueued: p(`SELECT id FROM sms_out WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?`),
      partByRef: p(`SELECT message, part FROM sms_out_parts WHERE line = ? AND ref = ? AND sent_at BETWEEN ? AND ? ORDER BY sent_at DESC LIMIT 1`),
      // A report of the SC still trying (TP-ST 0x20-0x3F, TS 23.040 §9.2.3.15) never replaces a final one: reports can come out of order.
      // Arguments: status, done_at, message, part, status again.
      setPartStatus: p(`UPDATE sms_out_parts SET status = ?, done_at = ? WHERE message = ? AND part = ?
                          AND ((? & 0x60) != 0x20 OR status IS NULL OR (status & 0x60) = 0x20)`),
      partStatuses: p('SELECT part, status FROM sms_out_parts WHERE message = ?'),
      insertSubmitPart: p(`INSERT INTO sms_submit_parts (group_key, seq, total, id, text, json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      submitParts: p('SELECT * FROM sms_submit_parts WHERE group_key = ? ORDER BY seq'),
      deleteSubmitParts: p('DELETE FROM sms_submit_parts WHERE group_key = ?'),
      staleSubmitGroups: p('SELECT DISTINCT group_key FROM sms_submit_parts WHERE created_at < ?'),
      insertIn: p(`INSERT INTO sms_in (id, line, slot, iccid, recipient, sender, text, parts, received, partial, sent_at, received_at, dedup, command)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      inByDedup: p('SELECT id FROM sms_in WHERE dedup = ?'),
      inById: p('SELECT * FROM sms_in WHERE id = ?'),
      insertInPart: p(`INSERT OR IGNORE INTO sms_in_parts (group_key, seq, total, line, slot, iccid, recipient, sender, text, sent_at, received_at, dedup)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      seenByDedup: p('SELECT message FROM sms_in_seen WHERE dedup = ?'),
      insertSeen: p('INSERT OR IGNORE INTO sms_in_seen (dedup, message) VALUES (?, ?)'),
      inParts: p('SELECT * FROM sms_in_parts WHERE group_key = ? ORDER BY seq'),
      inPartDedup: p('SELECT dedup FROM sms_in_parts WHERE group_key = ? AND seq = ?'),
      deleteInParts: p('DELETE FROM sms_in_parts WHERE group_key = ?'),
      staleInGroups: p('SELECT group_key, min(received_at) AS first FROM sms_in_parts GROUP BY group_key HAVING first < ?'),
      insertDelivery: p(`INSERT INTO deliveries (id, kind, target, ref, payload, status, next_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`),
      dueDeliveries: p(`SELECT * FROM deliveries WHERE status = 'pending' AND kind = ? AND next_at <= ? ORDER BY seq LIMIT ?`),
      pendingDeliveries: p(`SELECT * FROM deliveries WHERE status = 'pending' AND kind = ? ORDER BY seq LIMIT ?`),
      pendingFor: p(`SELECT * FROM deliveries WHERE status = 'pending' AND kind = ? AND target = ? AND seq > ? ORDER BY seq LIMIT ?`),
      nextDue: p(`SELECT min(next_at) AS t FROM deliveries WHERE status = 'pending' AND kind = ?`),
      deliveryById: p('SELECT * FROM deliveries WHERE id = ?'),
      deliveriesByRef: p('SELECT * FROM deliveries WHERE ref = ? ORDER BY seq'),
      completeDelivery: p(`UPDATE deliveries SET status = 'done', attempts = attempts + 1, done_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'`),
      retryDelivery: p(`UPDATE deliveries SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`),
      failDelivery: p(`UPDATE deliveries SET status = 'failed', attempts = attempts + 1, done_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`),
      ownNumber: p('SELECT number, method, learned_at FROM own_numbers WHERE iccid = ?'),
      setOwnNumber: p('INSERT OR REPLACE INTO own_numbers (iccid, number, method, learned_at) VALUES (?, ?, ?, ?)'),
    };
  }

  // ------------------------------------------------------------------ outbound

  /** Queues a message; resolves once it is durable. */
  enqueue(m: NewOutbound): Promise<OutboundMessage> {
    try {
      validateOutbound(m);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.group.run(() => this.insertOutbound(m));
  }

  /** Several messages in one go (one durable commit). */
  enqueueMany(ms: NewOutbound[]): Promise<OutboundMessage[]> {
    try {
      ms.forEach(validateOutbound);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.group.run(() => ms.map((m) => this.insertOutbound(m)));
  }

  private insertOutbound(m: NewOutbound): OutboundMessage {
    const id = m.id ?? newMessageId();
    const now = this.now();
    this.s.insertOut!.run(
      id,
      m.origin,
      m.client ?? null,
      m.sender ?? null,
      m.recipient,
      m.number,
      m.text,
      m.parts,
      m.lines ? JSON.stringify(m.lines) : null,
      m.report === 'failure' ? 2 : m.report ? 1 : 0,
      m.partial ? 1 : 0,
      now,
      m.notBefore ?? null,
      m.expiresAt ?? null,
      now,
      m.answerKey ?? null,
    );
    for (const a of m.aliases ?? []) this.s.insertAlias!.run(a, id);
    // Built from the values written rather than read back: this is the hot path of every submit.
    return {
      id,
      origin: m.origin,
      client: m.client ?? null,
      sender: m.sender ?? null,
      recipient: m.recipient,
      number: m.number,
      text: m.text,
      parts: m.parts,
      lines: m.lines ? [...m.lines] : null,
      status: 'queued',
      reason: null,
      line: null,
      slot: null,
      iccid: null,
      attempts: 0,
      tried: [],
      report: m.report === 'failure' || m.report === true,
      reportFailureOnly: m.report === 'failure',
      partial: m.partial ?? false,
      createdAt: now,
      notBefore: m.notBefore ?? null,
      expiresAt: m.expiresAt ?? null,
      sentAt: null,
      doneAt: null,
      updatedAt: now,
      aliases: [...(m.aliases ?? [])].sort(),
      decisions: [],
    };
  }

  /**
   * One part of a message submitted in parts (SMPP UDH or SAR). Stored durably under `partId`; when
   * the last part arrives the whole message is queued (in the same transaction) with every part's
   * id as an alias. A repeated part (same group and seq) is refused.
   */
  submitPart(p: { groupKey: string; seq: number; total: number; partId: string; text: string; message: Omit<NewOutbound, 'text' | 'parts' | 'aliases'> & { parts?: number } }): Promise<{ queued: OutboundMessage | null }> {
    if (!(p.total >= 2 && p.total <= 255 && p.seq >= 1 && p.seq <= p.total)) return Promise.reject(new Error(`part ${p.seq} of ${p.total} is not a valid concatenation`));
    return this.group.run(() => {
      this.s.insertSubmitPart!.run(p.groupKey, p.seq, p.total, p.partId, p.text, JSON.stringify(p.message), this.now());
      const rows = this.s.submitParts!.all(p.groupKey) as Array<{ seq: number; total: number; id: string; text: string; json: string }>;
      if (rows.length < p.total) return { queued: null };
      return { queued: this.combineSubmitParts(p.groupKey, rows, false) };
    });
  }

  private combineSubmitParts(groupKey: string, rows: Array<{ seq: number; total: number; id: string; text: string; json: string }>, partial: boolean): OutboundMessage {
    const base = JSON.parse(rows[0]!.json) as Omit<NewOutbound, 'text' | 'parts'> & { parts?: number };
    const text = rows.map((r) => r.text).join('');
    this.s.deleteSubmitParts!.run(groupKey);
    // The SMS parts the joined text needs (the client's split need not match ours, and a partial
    // message lacks some): status reports are counted against this.
    const parts = text.length > 0 ? planText(text).parts.length : 1;
    return this.insertOutbound({ ...base, id: rows[0]!.id, text, parts, partial, aliases: rows.slice(1).map((r) => r.id) });
  }

  /** Submitted parts older than `olderThan` whose siblings never came: queued as partial messages. */
  flushStaleSubmitParts(olderThan: number): Promise<OutboundMessage[]> {
    return this.group.run(() => {
      const groups = this.s.staleSubmitGroups!.all(olderThan) as Array<{ group_key: string }>;
      return groups.map((g) => this.combineSubmitParts(g.group_key, this.s.submitParts!.all(g.group_key) as Array<{ seq: number; total: number; id: string; text: string; json: string }>, true));
    });
  }

  getOutbound(idOrAlias: string): OutboundMessage | undefined {
    const row = (this.s.outById!.get(idOrAlias) ?? this.s.outByAlias!.get(idOrAlias)) as OutRow | undefined;
    return row ? this.outFromRow(row) : undefined;
  }

  /** Queued messages in queue order after `afterSeq`. */
  queued(limit: number, afterSeq = 0): Array<OutboundMessage & { seq: number }> {
    return (this.s.queued!.all(afterSeq, limit) as Array<OutRow & { seq: number }>).map((r) => ({ ...this.outFromRow(r), seq: r.seq }));
  }

  queuedCount(): number {
    return (this.s.countQueued!.get() as { n: number }).n;
  }

  /**
   * queued → sending on a line, durably, before the modem is given AT+CMGS: after a crash a message
   * found in `sending` may have gone out. False when the message was no longer queued.
   */
  markSending(id: string, line: string, slot: string | null, iccid: string | null): boolean {
    return this.write(() => this.s.setSending!.run(line, slotIndex(slot), iccid, this.now(), id).changes === 1);
  }

  /** sending → sent, with the TP-MR of every part (for status reports). */
  markSent(id: string, line: string, refs: number[]): boolean {
    return this.write(() => {
      const now = this.now();
      if (this.s.setSent!.run(now, now, id).changes !== 1) return false;
      refs.forEach((ref, i) => this.s.insertPart!.run(id, i + 1, line, ref, now));
      return true;
    });
  }

  /** sending → queued again, remembering the line that failed; `notBefore` delays the retry. */
  requeue(id: string, tried: string[], reason: string, notBefore: number | null = null): boolean {
    return this.write(() => this.s.requeue!.run(reason, JSON.stringify(tried), notBefore, this.now(), id).changes === 1);
  }

  /** Moves a message to a final status from any of `from`; adds the final jobs (receipts). */
  finish(id: string, status: 'delivered' | 'failed' | 'expired' | 'unknown', reason: string | null, from: OutStatus[]): boolean {
    return this.write(() => this.finishInTx(id, status, reason, from));
  }

  private finishInTx(id: string, status: OutStatus, reason: string | null, from: OutStatus[]): boolean {
    const now = this.now();
    if (this.s.finish!.run(status, reason, now, now, id, JSON.stringify(from)).changes !== 1) return false;
    const m = this.getOutbound(id)!;
    if (this.onFinal) this.addDeliveries(m.id, this.onFinal(m));
    return true;
  }

  /**
   * At start: messages left in `sending` by a crash or kill. Their outcome is unknown (the modem may
   * have sent them): marked `unknown`, or queued again when `resend` is configured.
   */
  recoverInterrupted(resend: boolean): OutboundMessage[] {
    return this.write(() => {
      const rows = (this.s.sendingAll!.all() as OutRow[]).map((r) => this.outFromRow(r));
      for (const m of rows) {
        if (resend) this.s.requeue!.run('interrupted while sending; resent as configured (sms.resendUnknown)', JSON.stringify(m.tried), null, this.now(), m.id);
        else this.finishInTx(m.id, 'unknown', 'interrupted while sending (restart); not resent', ['sending']);
      }
      return rows;
    });
  }

  /**
   * An operator's decision on a message whose outcome is `unknown` (it may or may not have gone out):
   * `resend` queues it again (same id, so a client's receipts and query_sm follow it; any allowed line;
   * the parts of the first attempt forgotten, so a late status report of that attempt is not taken for
   * the resend's); `fail` makes it failed, with its receipts. The decision, who made it (a client id
   * such as `api:admin`) and when are stored with it. Returns the message, or null when it is not
   * `unknown` (or does not exist); nothing changes then.
   */
  decideUnknown(idOrAlias: string, action: UnknownDecision, by: string): OutboundMessage | null {
    return this.write(() => {
      const m = this.getOutbound(idOrAlias);
      if (!m || m.status !== 'unknown') return null;
      const now = this.now();
      const was = `the outcome was unknown${m.reason ? ` (${m.reason})` : ''}`;
      if (action === 'resend') {
        if (this.s.resendUnknown!.run(`${was}; resent as decided by ${by}`, now, m.id).changes !== 1) return null;
        this.s.deleteParts!.run(m.id);
      } else if (!this.finishInTx(m.id, 'failed', `${was}; failed as decided by ${by}`, ['unknown'])) {
        return null;
      }
      this.s.insertDecision!.run(m.id, action, by, now);
      return this.getOutbound(m.id)!;
    });
  }

  /**
   * A status report (TS 23.040 §9.2.2.3) for the part sent on `line` with TP-MR `ref`. When every
   * part has a final report the message becomes delivered (all delivered) or failed (any failed).
   */
  applyStatusReport(r: StatusReportInput): { message: OutboundMessage; part: number; final: boolean } | null {
    return this.write(() => {
      const within = r.withinMs ?? 7 * 24 * 3600_000;
      const hit = this.s.partByRef!.get(r.line, r.ref & 0xff, r.at - within, r.at + 60_000) as { message: string; part: number } | undefined;
      if (!hit) return null;
      this.s.setPartStatus!.run(r.status, r.at, hit.message, hit.part, r.status);
      const m = this.getOutbound(hit.message)!;
      if (r.outcome === 'pending') return { message: m, part: hit.part, final: false };
      const parts = this.s.partStatuses!.all(hit.message) as Array<{ part: number; status: number | null }>;
      const failed = r.outcome === 'failed';
      // Every part that went out (one row per TP-MR recorded by markSent) must have a final report.
      const allFinal = parts.length > 0 && parts.every((p) => p.status !== null && !isPendingStatus(p.status));
      let final = false;
      if (failed) final = this.finishInTx(m.id, 'failed', `status report: TP-ST 0x${r.status.toString(16).padStart(2, '0')}`, ['sent']);
      else if (allFinal && parts.every((p) => (p.status! & 0x60) === 0)) final = this.finishInTx(m.id, 'delivered', null, ['sent']);
      return { message: this.getOutbound(m.id)!, part: hit.part, final };
    });
  }

  /** Queued messages whose validity ran out: expired (with their receipts). */
  expireQueued(now = this.now()): number {
    return this.write(() => {
      const rows = this.s.expiredQueued!.all(now) as Array<{ id: string }>;
      for (const r of rows) this.finishInTx(r.id, 'expired', 'validity period ran out before it could be sent', ['queued']);
      return rows.length;
    });
  }

  queryOutbound(q: MessageQuery = {}): Page<OutboundMessage> {
    const { where, args } = this.where(q, 'created_at', ['recipient', 'number']);
    if (q.status) {
      where.push('status = ?');
      args.push(q.status);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM sms_out ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM sms_out ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(...args, q.limit ?? 50, q.offset ?? 0) as OutRow[];
    return { total, items: rows.map((r) => this.outFromRow(r)) };
  }

  /** Deletes outbound messages (not ones queued or being sent) by id, by line, or all. */
  deleteOutbound(sel: { id?: string; line?: string; all?: boolean }): number {
    return this.deleteWhere('sms_out', sel, `status NOT IN ('queued', 'sending')`);
  }

  // ------------------------------------------------------------------ inbound

  /**
   * Stores a received SMS durably with its fan-out jobs. A single SMS becomes a message; a part is
   * kept until all parts are there, then the message is assembled in order. Returns the message when
   * one was completed (or one stored partial because this part reused its waiting reference),
   * `duplicate` when the network redelivered one already stored.
   */
  storeIncoming(sms: IncomingSms, fanout: Fanout): { stored: InboundMessage | null; duplicate: boolean } {
    return this.write(() => {
      // An empty key identifies nothing: such an SMS is never taken for a redelivery.
      const dedup = sms.dedup ? sms.dedup : null;
      if (dedup !== null && (this.s.inByDedup!.get(dedup) || this.s.seenByDedup!.get(dedup))) return { stored: null, duplicate: true };
      const now = this.now();
      const c = sms.concat;
      // TS 23.040 §9.2.3.24.1: a sequence number of 0 or above the total makes the receiver ignore
      // the concatenation element, so such an SMS is a message of its own.
      if (!c || c.total <= 1 || !(c.seq >= 1 && c.seq <= c.total)) {
        return { stored: this.insertInbound({ ...sms, parts: 1, received: 1, partial: false, receivedAt: now }, dedup, fanout), duplicate: false };
      }
      const key = inGroupKey(sms);
      const insertPart = () => this.s.insertInPart!.run(key, c.seq, c.total, sms.line, slotIndex(sms.slot), sms.iccid, sms.recipient, sms.sender, sms.text, sms.sentAt, now, dedup).changes === 1;
      if (!insertPart()) {
        // That part of the group is already waiting. The same SMS (same key) is a redelivery; another one
        // means the sender reused the 8-bit reference (§9.2.3.24.1) before the first message was complete:
        // that message is stored partial as it is, and this part starts the group again.
        const held = this.s.inPartDedup!.get(key, c.seq) as { dedup: string | null } | undefined;
        if (dedup !== null && held?.dedup === dedup) return { stored: null, duplicate: true };
        const waiting = this.s.inParts!.all(key) as Array<{ seq: number; text: string; sent_at: number | null; received_at: number; dedup: string | null }>;
        const flushed = this.assembleIn(key, sms, waiting, c.total, true, fanout);
        insertPart();
        return { stored: flushed, duplicate: false };
      }
      const parts = this.s.inParts!.all(key) as Array<{ seq: number; text: string; sent_at: number | null; received_at: number; dedup: string | null }>;
      if (parts.length < c.total) return { stored: null, duplicate: false };
      return { stored: this.assembleIn(key, sms, parts, c.total, false, fanout), duplicate: false };
    });
  }

  /** Concatenated messages whose missing parts did not come within the timeout: stored flagged partial. */
  flushStaleIncomingParts(olderThan: number, fanout: Fanout): InboundMessage[] {
    return this.write(() => {
      const groups = this.s.staleInGroups!.all(olderThan) as Array<{ group_key: string }>;
      return groups.map((g) => {
        const rows = this.s.inParts!.all(g.group_key) as Array<{ seq: number; total: number; line: string; slot: number | null; iccid: string | null; recipient: string | null; sender: string; text: string; sent_at: number | null; received_at: number; dedup: string | null }>;
        const r0 = rows[0]!;
        const sms: IncomingSms = { line: r0.line, slot: slotLetter(r0.slot), iccid: r0.iccid, recipient: r0.recipient, sender: r0.sender, text: '', sentAt: r0.sent_at, concat: null, dedup: '' };
        return this.assembleIn(g.group_key, sms, rows, r0.total, true, fanout);
      });
    });
  }

  private assembleIn(key: string, sms: IncomingSms, parts: Array<{ seq: number; text: string; sent_at: number | null; received_at: number; dedup: string | null }>, total: number, partial: boolean, fanout: Fanout): InboundMessage {
    // Missing parts are marked in the text so a reader sees where something is lacking.
    const bySeq = new Map(parts.map((p) => [p.seq, p.text]));
    const pieces: string[] = [];
    for (let i = 1; i <= total; i++) pieces.push(bySeq.get(i) ?? (partial ? '[…]' : ''));
    this.s.deleteInParts!.run(key);
    const sentAt = parts.reduce<number | null>((a, p) => (p.sent_at !== null && (a === null || p.sent_at < a) ? p.sent_at : a), null);
    // A concatenated message is never an SMS command (src/sms/commands.ts).
    const msg = this.insertInbound({ ...sms, text: pieces.join(''), sentAt, parts: total, received: parts.length, partial, receivedAt: this.now(), command: null }, `${key}#${this.now()}#${partial ? 'p' : 'c'}`, fanout);
    // The parts' own keys outlive the parts: a part delivered again later is a duplicate, not the
    // start of a new message.
    for (const p of parts) if (p.dedup) this.s.insertSeen!.run(p.dedup, msg.id);
    return msg;
  }

  private insertInbound(m: Omit<InboundMessage, 'id' | 'command'> & { concat?: unknown; dedup?: string; command?: InboundMessage['command'] }, dedup: string | null, fanout: Fanout): InboundMessage {
    const msg: InboundMessage = {
      id: newMessageId(),
      line: m.line,
      slot: m.slot,
      iccid: m.iccid,
      recipient: m.recipient,
      sender: m.sender,
      text: m.text,
      parts: m.parts,
      received: m.received,
      partial: m.partial,
      sentAt: m.sentAt,
      receivedAt: m.receivedAt,
      command: m.command ?? null,
    };
    this.s.insertIn!.run(msg.id, msg.line, slotIndex(msg.slot), msg.iccid, msg.recipient, msg.sender, msg.text, msg.parts, msg.received, msg.partial ? 1 : 0, msg.sentAt, msg.receivedAt, dedup, msg.command);
    // An SMS command (src/sms/commands.ts) is consumed by cellgate: never forwarded.
    if (!msg.command) this.addDeliveries(msg.id, fanout(msg));
    return msg;
  }

  getInbound(id: string): InboundMessage | undefined {
    const r = this.s.inById!.get(id) as InRow | undefined;
    return r ? inFromRow(r) : undefined;
  }

  queryInbound(q: MessageQuery = {}): Page<InboundMessage> {
    const { where, args } = this.where(q, 'received_at', ['sender']);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM sms_in ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM sms_in ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(...args, q.limit ?? 50, q.offset ?? 0) as InRow[];
    return { total, items: rows.map(inFromRow) };
  }

  deleteInbound(sel: { id?: string; line?: string; all?: boolean }): number {
    return this.deleteWhere('sms_in', sel, null);
  }

  /** Parts waiting for their siblings (for the API and tests). */
  pendingIncomingParts(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sms_in_parts').get() as { n: number }).n;
  }

  // ------------------------------------------------------------------ deliveries

  private addDeliveries(ref: string, jobs: NewDelivery[]): void {
    const now = this.now();
    for (const j of jobs) this.s.insertDelivery!.run(newMessageId(), j.kind, j.target, ref, JSON.stringify(j.payload ?? null), j.nextAt ?? now, now);
  }

  /**
   * Ends a message's pending jobs without running them (status failed, `reason` as the last error):
   * for a received SMS that cellgate consumed itself (an own-number reply). Returns how many.
   */
  cancelDeliveries(ref: string, reason: string): number {
    return this.write(() => this.db.prepare(`UPDATE deliveries SET status = 'failed', done_at = ?, last_error = ? WHERE ref = ? AND status = 'pending'`).run(this.now(), reason, ref).changes);
  }

  /** Adds jobs outside a message transaction (e.g. a resend requested through the API). */
  enqueueDeliveries(ref: string, jobs: NewDelivery[]): void {
    this.write(() => this.addDeliveries(ref, jobs));
  }

  due(kind: string, limit: number, now = this.now()): Delivery[] {
    return (this.s.dueDeliveries!.all(kind, now, limit) as DeliveryRow[]).map(deliveryFromRow);
  }

  /** Pending jobs of a kind regardless of their next attempt time (SMPP pulls these per session). */
  pending(kind: string, limit: number): Delivery[] {
    return (this.s.pendingDeliveries!.all(kind, limit) as DeliveryRow[]).map(deliveryFromRow);
  }

  /**
   * Pending jobs of a kind for one target (an SMPP account), in order, after `afterSeq`: a receiver
   * pages through its own jobs without being held up by other targets' backlog.
   */
  pendingFor(kind: string, target: string, limit: number, afterSeq = 0): Array<Delivery & { seq: number }> {
    return (this.s.pendingFor!.all(kind, target, afterSeq, limit) as Array<DeliveryRow & { seq: number }>).map((r) => ({ ...deliveryFromRow(r), seq: r.seq }));
  }

  nextDue(kind: string): number | null {
    return (this.s.nextDue!.get(kind) as { t: number | null }).t;
  }

  getDelivery(id: string): Delivery | undefined {
    const r = this.s.deliveryById!.get(id) as DeliveryRow | undefined;
    return r ? deliveryFromRow(r) : undefined;
  }

  deliveriesOf(ref: string): Delivery[] {
    return (this.s.deliveriesByRef!.all(ref) as DeliveryRow[]).map(deliveryFromRow);
  }

  completeDelivery(id: string): boolean {
    return this.write(() => this.s.completeDelivery!.run(this.now(), id).changes === 1);
  }

  /** A failed attempt: retried at `nextAt`, or failed for good when `nextAt` is null. */
  failDelivery(id: string, error: string, nextAt: number | null): boolean {
    return this.write(() =>
      nextAt === null ? this.s.failDelivery!.run(this.now(), error, id).changes === 1 : this.s.retryDelivery!.run(nextAt, error, id).changes === 1,
    );
  }

  // ------------------------------------------------------------------ own numbers

  ownNumber(iccid: string): { number: string; method: string; learnedAt: number } | undefined {
    const r = this.s.ownNumber!.get(iccid) as { number: string; method: string; learned_at: number } | undefined;
    return r ? { number: r.number, method: r.method, learnedAt: r.learned_at } : undefined;
  }

  setOwnNumber(iccid: string, number: string, method: string): void {
    this.write(() => this.s.setOwnNumber!.run(iccid, number, method, this.now()));
  }

  // ------------------------------------------------------------------ housekeeping

  /**
   * Retention: deletes final outbound messages, inbound messages and finished deliveries older than
   * the given ages (days; 0 = keep forever).
   */
  purge(r: { inboxDays: number; outboxDays: number }): { inbox: number; outbox: number; deliveries: number } {
    return this.write(() => {
      const now = this.now();
      const day = 86_400_000;
      let inbox = 0;
      let outbox = 0;
      if (r.inboxDays > 0) inbox = this.db.prepare('DELETE FROM sms_in WHERE received_at < ?').run(now - r.inboxDays * day).changes;
      if (r.outboxDays > 0) outbox = this.db.prepare(`DELETE FROM sms_out WHERE created_at < ? AND status NOT IN ('queued', 'sending')`).run(now - r.outboxDays * day).changes;
      const keep = Math.max(r.inboxDays, r.outboxDays);
      const deliveries = keep > 0 ? this.db.prepare(`DELETE FROM deliveries WHERE status != 'pending' AND created_at < ?`).run(now - keep * day).changes : 0;
      return { inbox, outbox, deliveries };
    });
  }

  counts(): { queued: number; sending: number; inbox: number; outbox: number; pendingDeliveries: Record<string, number> } {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const pend = this.db.prepare(`SELECT kind, count(*) AS n FROM deliveries WHERE status = 'pending' GROUP BY kind`).all() as Array<{ kind: string; n: number }>;
    return {
      queued: this.queuedCount(),
      sending: one(`SELECT count(*) AS n FROM sms_out WHERE status = 'sending'`),
      inbox: one('SELECT count(*) AS n FROM sms_in'),
      outbox: one('SELECT count(*) AS n FROM sms_out'),
      pendingDeliveries: Object.fromEntries(pend.map((p) => [p.kind, p.n])),
    };
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.checkpointTimer);
    this.group.close();
    this.closed = true;
    try {
      this.wal.syncNow();
      this.wal.checkpoint();
    } catch {
      /* closing anyway; SQLite checkpoints at close */
    }
    this.wal.close();
    this.db.close();
  }

  /**
   * Runs several of the synchronous writes above (markSending, markSent, requeue, finish, ...) in one
   * transaction: one fsync for all of them. All or nothing: when `fn` throws, none is kept.
   */
  batch<T>(fn: () => T): T {
    return this.write(fn);
  }

  // ------------------------------------------------------------------ internals

  /**
   * A synchronous durable write: its own transaction and one fsync of the WAL before it returns. Nested
   * in another write (batch), it is a savepoint and the outer write syncs.
   */
  private write<T>(fn: () => T): T {
    if (this.closed) throw new Error('message store is closed');
    const outer = !this.db.inTransaction;
    try {
      const r = this.db.transaction(fn)();
      if (outer) this.wal.syncNow();
      return r;
    } catch (e) {
      throw toStoreError(e, this.file, 'writing messages');
    }
  }

  private where(q: MessageQuery, timeCol: string, numberCols: string[]): { where: string[]; args: unknown[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.line !== undefined) {
      where.push('line = ?');
      args.push(q.line);
    }
    if (q.number) {
      where.push(`(${numberCols.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
      for (let i = 0; i < numberCols.length; i++) args.push(likeEscape(q.number));
    }
    if (q.text) {
      where.push(`text LIKE ? ESCAPE '\\'`);
      args.push(likeEscape(q.text));
    }
    if (q.from !== undefined) {
      where.push(`${timeCol} >= ?`);
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push(`${timeCol} < ?`);
      args.push(q.to);
    }
    return { where, args };
  }

  private deleteWhere(table: 'sms_in' | 'sms_out', sel: { id?: string; line?: string; all?: boolean }, guard: string | null): number {
    const conds: string[] = [];
    const args: unknown[] = [];
    if (sel.id !== undefined) {
      conds.push('id = ?');
      args.push(sel.id);
    } else if (sel.line !== undefined) {
      conds.push('line = ?');
      args.push(sel.line);
    } else if (!sel.all) {
      throw new Error('deleting messages needs an id, a line or all');
    }
    if (guard) conds.push(guard);
    const clause = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    return this.write(() => {
      if (table === 'sms_in') this.db.prepare(`DELETE FROM deliveries WHERE status = 'pending' AND ref IN (SELECT id FROM sms_in ${clause})`).run(...args);
      return this.db.prepare(`DELETE FROM ${table} ${clause}`).run(...args).changes;
    });
  }

  private outFromRow(r: OutRow): OutboundMessage {
    const aliases = (this.s.aliases!.all(r.id) as Array<{ alias: string }>).map((a) => a.alias);
    const decisions = (this.s.decisions!.all(r.id) as Array<{ action: string; actor: string; at: number }>).map((d) => ({ action: d.action as UnknownDecision, by: d.actor, at: d.at }));
    return outFromRow(r, aliases, decisions);
  }
}

/** TP-ST values with the SC still trying (bits 6..5 = 01, TS 23.040 §9.2.3.15). */
function isPendingStatus(st: number): boolean {
  return (st & 0x60) === 0x20;
}

function inGroupKey(sms: IncomingSms): string {
  const c = sms.concat!;
  return [sms.line, sms.iccid ?? '', sms.sender, c.ref, c.total].join('|');
}

function validateOutbound(m: NewOutbound): void {
  if (!m.recipient || !m.number) throw new Error('a message needs a recipient');
  if (typeof m.text !== 'string') throw new Error('a message needs a text');
  if (!(Number.isInteger(m.parts) && m.parts >= 1)) throw new Error('parts must be a positive integer');
}

