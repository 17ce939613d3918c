/**
 * Receives the SMS and status reports of one line (architecture flow 3, "SMS in") and stores them durably
 * before the modem forgets them.
 *
 * - Stored messages (+CNMI <mt>=1 → `+CMTI: <mem>,<index>`, TS 27.005 §3.4.1): AT+CMGR from that memory →
 *   decode → `MessageStore.storeIncoming` (committed) → only then AT+CMGD. A crash in between leaves the
 *   message on the modem; the next sweep reads it again and its dedup key makes the store a no-op.
 * - Routed messages (<mt>=2 → `+CMT`): stored, then acknowledged with AT+CNMA (§3.4.4). Without the
 *   acknowledgement the network (or the modem, which then stores it) delivers it again.
 * - Status reports (<ds>=2 → `+CDSI: <mem>,<index>`): read from their memory ("SR" on modems that keep
 *   them apart; the driver selects it with AT+CPMS), matched by TP-MR and line to a sent part
 *   (`applyStatusReport`, TS 23.040 §9.2.2.3), then deleted; <ds>=1 → `+CDS`: applied, then AT+CNMA.
 * - Sweep: when the line becomes registered (and at start if it is), everything stored on the modem in
 *   the memories AT+CPMS=? names (SIM, modem, status reports) is processed the same way: messages that
 *   arrived while cellgate was down, or stored but not deleted before a crash.
 * - A PDU that cannot be decoded is stored as such (sender "unknown", the PDU in the text) and deleted:
 *   never lost, never retried forever. A read, store or delete that fails leaves the message on the
 *   modem; a sweep `retryMs` later (and the next registration) tries again.
 * - Concatenated messages are reassembled by the store; a timer stores groups whose missing parts did
 *   not come within `partTimeoutMs` flagged partial.
 *
 * Every storage command runs from one queue per line, in arrival order (never two reads at once).
 * `flushStaleIncomingParts` covers every line's parts, so with one receiver per line whichever timer
 * fires first stores a timed-out group (and calls its `onStored`); the store's transaction makes sure
 * each group is stored once.
 */
import type { Logger } from '../util/log.js';
import type { SmsCapability } from '../../modem-drivers/capabilities.js';
import type { ModemEvent, StoredSms } from '../../modem-drivers/types.js';
import type { LineEvents, Listener } from '../events.js';
import type { LineStatus } from '../line/types.js';
import type { Fanout, InboundMessage, IncomingSms, MessageStore, OutboundMessage } from '../store/message-store.js';
import type { SmsCommand } from './commands.js';
import { classifyPdu, type CommandScreen, type Incoming, type ReceiveContext, type ReceivedReport } from './incoming.js';

/** What the receiver needs of a Line. */
export interface ReceiverLine {
  readonly id: number;
  status(): LineStatus;
  /** The SMS capability while registered; throws otherwise. */
  capability(name: 'sms'): SmsCapability;
  on(event: 'modem-event', listener: Listener<LineEvents, 'modem-event'>): unknown;
  on(event: 'lifecycle', listener: Listener<LineEvents, 'lifecycle'>): unknown;
  off(event: 'modem-event', listener: Listener<LineEvents, 'modem-event'>): unknown;
  off(event: 'lifecycle', listener: Listener<LineEvents, 'lifecycle'>): unknown;
}

/** What the receiver needs of the message store. */
export type ReceiverStore = Pick<MessageStore, 'storeIncoming' | 'flushStaleIncomingParts' | 'applyStatusReport' | 'ownNumber'>;

/** A status report and what it did: the sent message it matched, or null when it matched none. */
export interface StatusReportOutcome {
  line: string;
  report: ReceivedReport;
  result: { message: OutboundMessage; part: number; final: boolean } | null;
}

export interface SmsReceiverOptions {
  line: ReceiverLine;
  store: ReceiverStore;
  fanout: Fanout;
  log: Logger;
  now?: () => number;
  /** Missing parts of a concatenated message are waited for this long (default 10 minutes). */
  partTimeoutMs?: number;
  /** How often stale parts are looked for (default partTimeoutMs / 4, at most a minute). */
  flushIntervalMs?: number;
  /** After a failed read, store or delete, the modem is swept again this much later (default 30 s). */
  retryMs?: number;
  /**
   * A report that matches no sent part is tried again this much later, `reportRetries` times (default
   * 5 s, 3): it can come before the sender recorded the part's reference (the parts of a long message
   * are recorded together once the last one is sent).
   */
  reportRetryMs?: number;
  reportRetries?: number;
  /**
   * Recognises SMS commands before they are stored (incoming.ts): their secret is masked in what is
   * stored, and the command itself goes to `onStored` only.
   */
  screen?: CommandScreen;
  /**
   * A message was stored complete (or flagged partial after the timeout). `command`: the SMS command it
   * was, with its password (held in memory only; the stored text is masked).
   */
  onStored?: (m: InboundMessage, command?: SmsCommand) => void;
  onStatusReport?: (r: StatusReportOutcome) => void;
  /** A message (or part) that was already stored came again. */
  onDuplicate?: (sms: IncomingSms) => void;
  /** Everything queued has been processed (busy() went false): the scheduler may send on the line again. */
  onIdle?: () => void;
}

export interface ReceiverStats {
  /** SMS and parts newly stored (undecodable ones included). */
  received: number;
  /** SMS and parts that were already stored (network redelivery, re-read after a crash). */
  duplicates: number;
  /** Status reports received. */
  reports: number;
  /** Status reports that matched no sent part (after the retries). */
  unmatchedReports: number;
  /** PDUs stored as undecodable. */
  undecodable: number;
  /** Reads, stores, deletes and acknowledgements that failed. */
  errors: number;
}

/** `+CMGL` <stat> of received messages (TS 27.005 §3.1): 0 unread, 1 read; 2/3 are stored outgoing ones. */
const RECEIVED_STATS = new Set([0, 1]);

export class SmsReceiver {
  private readonly line: ReceiverLine;
  private readonly lineId: string;
  private readonly store: ReceiverStore;
  private readonly fanout: Fanout;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly partTimeoutMs: number;
  private readonly flushIntervalMs: number;
  private readonly retryMs: number;
  private readonly reportRetryMs: number;
  private readonly reportRetries: number;
  private readonly o: SmsReceiverOptions;
  private readonly st: ReceiverStats = { received: 0, duplicates: 0, reports: 0, unmatchedReports: 0, undecodable: 0, errors: 0 };
  private running = false;
  private queue: Promise<void> = Promise.resolve();
  /** Tasks queued or running. */
  private pending = 0;
  private sweepQueued = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private reportTimer: NodeJS.Timeout | null = null;
  private unmatched: { report: ReceivedReport; at: number; tries: number }[] = [];

  private readonly onModemEvent = (e: ModemEvent): void => this.modemEvent(e);
  private readonly onLifecycle: Listener<LineEvents, 'lifecycle'> = (l) => {
    if (l === 'registered') this.requestSweep();
  };

  constructor(opts: SmsReceiverOptions) {
    this.o = opts;
    this.line = opts.line;
    this.lineId = String(opts.line.id);
    this.store = opts.store;
    this.fanout = opts.fanout;
    this.log = opts.log.child({ component: 'sms-receiver', line: opts.line.id });
    this.now = opts.now ?? Date.now;
    this.partTimeoutMs = opts.partTimeoutMs ?? 600_000;
    this.flushIntervalMs = opts.flushIntervalMs ?? Math.max(10, Math.min(60_000, Math.floor(this.partTimeoutMs / 4)));
    this.retryMs = opts.retryMs ?? 30_000;
    this.reportRetryMs = opts.reportRetryMs ?? 5_000;
    this.reportRetries = opts.reportRetries ?? 3;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.sweepQueued = false;
    this.line.on('modem-event', this.onModemEvent);
    this.line.on('lifecycle', this.onLifecycle);
    this.flushStaleParts();
    this.flushTimer = setInterval(() => this.flushStaleParts(), this.flushIntervalMs);
    this.flushTimer.unref();
    if (this.line.status().lifecycle === 'registered') this.requestSweep();
  }

  /** Stops listening; resolves once the command in progress (if any) is done. */
  async stop(): Promise<void> {
    if (!this.running) return this.queue;
    this.running = false;
    this.line.off('modem-event', this.onModemEvent);
    this.line.off('lifecycle', this.onLifecycle);
    for (const t of [this.flushTimer, this.retryTimer, this.reportTimer]) if (t) clearTimeout(t);
    this.flushTimer = this.retryTimer = this.reportTimer = null;
    for (const u of this.unmatched.splice(0)) this.giveUpReport(u.report);
    await this.queue;
  }

  stats(): ReceiverStats {
    return { ...this.st };
  }

  /** Whether reads (SMS, status reports, a sweep) are queued or running. */
  busy(): boolean {
    return this.pending > 0;
  }

  /** Resolves when everything queued so far has been processed (for tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Sweeps the modem's storage now (queued behind what is already waiting). */
  sweep(): Promise<void> {
    this.requestSweep();
    return this.queue;
  }

  // ---------------------------------------------------------------- events

  private modemEvent(e: ModemEvent): void {
    switch (e.type) {
      case 'sms-stored':
      case 'status-report-stored':
        this.enqueue(`reading ${e.type === 'sms-stored' ? 'SMS' : 'status report'} ${e.mem} ${e.index}`, () => this.fromStorage(e.mem, e.index));
        break;
      case 'sms-deliver':
      case 'status-report':
        // Not queued: the PDU is in the URC, nothing is read, and the acknowledgement is due soon (§3.4.4).
        this.routed(e.pdu);
        break;
      default:
        break;
    }
  }

  private enqueue(what: string, task: () => Promise<void>): void {
    this.pending++;
    this.queue = this.queue.then(async () => {
      try {
        if (this.running) await task();
      } catch (err) {
        this.failed(what, err);
      } finally {
        if (--this.pending === 0) this.callback('onIdle', () => this.o.onIdle?.());
      }
    });
  }

  private requestSweep(): void {
    if (this.sweepQueued || !this.running) return;
    this.sweepQueued = true;
    this.enqueue('sweeping the modem storage', async () => {
      this.sweepQueued = false;
      await this.sweepNow();
    });
  }

  private failed(what: string, err: unknown): void {
    this.st.errors++;
    this.log.warn({ err, what }, 'SMS reception step failed; the message stays on the modem and is read again later');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || !this.running) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.requestSweep();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** The line's SMS capability while it is registered; null otherwise (the sweep at registration catches up). */
  private sms(): SmsCapability | null {
    try {
      return this.line.capability('sms');
    } catch {
      return null;
    }
  }

  private context(): ReceiveContext {
    const s = this.line.status();
    const iccid = s.sim.iccid;
    const own = iccid ? this.store.ownNumber(iccid)?.number : undefined;
    return { line: this.lineId, slot: s.slot, iccid, recipient: own ?? s.sim.number ?? null };
  }

  // ---------------------------------------------------------------- processing

  /** +CMTI / +CDSI: read from the memory named, handle, delete. */
  private async fromStorage(mem: string, index: number): Promise<void> {
    const d = this.sms();
    if (!d) {
      this.log.debug({ mem, index }, 'stored SMS announced while the line is not ready; left for the sweep');
      return;
    }
    const m = await d.read(index, mem);
    if (!m) {
      this.log.debug({ mem, index }, 'announced SMS no longer stored (already processed)');
      return;
    }
    await this.processStored(d, m, mem);
  }

  private async processStored(d: SmsCapability, m: StoredSms, mem: string | undefined): Promise<void> {
    this.handle(classifyPdu(m.pdu, this.context(), this.o.screen));
    // Only after the store committed (handle throws otherwise): TS 27.005 §3.5.4.
    await d.delete(m.index, mem);
  }

  /** +CMT / +CDS: handle, then acknowledge (TS 27.005 §3.4.4). */
  private routed(pdu: string): void {
    if (!this.running) return;
    try {
      this.handle(classifyPdu(pdu, this.context(), this.o.screen));
    } catch (err) {
      // Not acknowledged: the network (or the modem, storing it) delivers it again.
      this.failed('storing a routed SMS', err);
      return;
    }
    const d = this.sms();
    if (!d) return;
    d.ack().catch((err: unknown) => {
      this.st.errors++;
      this.log.warn({ err }, 'AT+CNMA failed; the message is stored, a redelivery will be a duplicate');
    });
  }

  /** Stores or applies one classified PDU; throws when the store fails (nothing is deleted then). */
  private handle(item: Incoming): void {
    if (item.kind === 'report') {
      if (item.report.warnings.length > 0) {
        this.log.warn({ pdu: item.report.pdu, warnings: item.report.warnings }, 'status report decoded leniently');
      }
      this.applyReport(item.report, this.now(), 0);
      this.st.reports++;
      return;
    }
    const r = this.store.storeIncoming(item.sms, this.fanout);
    if (r.duplicate) {
      this.st.duplicates++;
      this.log.debug({ sender: item.sms.sender, concat: item.sms.concat }, 'SMS already stored (redelivery or re-read): not stored again');
      this.callback('onDuplicate', () => this.o.onDuplicate?.(item.sms));
      return;
    }
    this.st.received++;
    if (item.kind === 'undecodable') {
      this.st.undecodable++;
      this.log.warn({ error: item.error }, 'received SMS could not be decoded; stored with its PDU');
    }
    if (r.stored) {
      const m = r.stored;
      const command = item.kind === 'sms' ? item.command : undefined;
      this.log.info({ id: m.id, sender: m.sender, parts: m.parts, ...(m.command ? { command: m.command } : {}) }, 'SMS received');
      this.callback('onStored', () => (command ? this.o.onStored?.(m, command) : this.o.onStored?.(m)));
    }
  }

  private applyReport(report: ReceivedReport, at: number, tries: number): void {
    const result = this.store.applyStatusReport({ line: this.lineId, ref: report.ref, status: report.status, outcome: report.outcome, at });
    if (result) {
      this.log.debug({ ref: report.ref, status: report.status, message: result.message.id, final: result.final }, 'status report applied');
      this.callback('onStatusReport', () => this.o.onStatusReport?.({ line: this.lineId, report, result }));
      return;
    }
    if (tries < this.reportRetries && this.running) {
      this.unmatched.push({ report, at, tries: tries + 1 });
      this.armReportRetry();
      return;
    }
    this.giveUpReport(report);
  }

  private giveUpReport(report: ReceivedReport): void {
    this.st.unmatchedReports++;
    this.log.debug({ ref: report.ref, status: report.status, recipient: report.recipient, pdu: report.pdu }, 'status report matches no message sent on this line');
    this.callback('onStatusReport', () => this.o.onStatusReport?.({ line: this.lineId, report, result: null }));
  }

  private armReportRetry(): void {
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = null;
      const due = this.unmatched.splice(0);
      for (const u of due) {
        try {
          this.applyReport(u.report, u.at, u.tries);
        } catch (err) {
          this.st.errors++;
          this.log.warn({ err, ref: u.report.ref }, 'applying a status report failed');
        }
      }
    }, this.reportRetryMs);
    this.reportTimer.unref();
  }

  private async sweepNow(): Promise<void> {
    const d = this.sms();
    if (!d) return;
    const mems = await d.memories();
    const plan: { mem: string | undefined; reports: boolean }[] = [
      ...(mems.messages.length > 0 ? mems.messages.map((mem) => ({ mem, reports: false })) : [{ mem: undefined, reports: false }]),
      ...(mems.reports ? [{ mem: mems.reports, reports: true }] : []),
    ];
    let found = 0;
    for (const { mem, reports } of plan) {
      if (!this.running) return;
      let list: StoredSms[];
      try {
        list = await d.list(4, mem);
      } catch (err) {
        this.failed(`listing ${mem ?? 'the current memory'}`, err);
        continue;
      }
      for (const m of list) {
        if (!this.running) return;
        // Outgoing messages someone stored (+CMGW) are not ours to take; the report memory holds only reports.
        if (!reports && !RECEIVED_STATS.has(m.stat)) continue;
        found++;
        try {
          await this.processStored(d, m, mem);
        } catch (err) {
          this.failed(`processing ${mem ?? 'current memory'} index ${m.index}`, err);
        }
      }
    }
    if (found > 0) this.log.info({ found }, 'swept messages stored on the modem');
  }

  private flushStaleParts(): void {
    let flushed: InboundMessage[];
    try {
      flushed = this.store.flushStaleIncomingParts(this.now() - this.partTimeoutMs, this.fanout);
    } catch (err) {
      this.st.errors++;
      this.log.warn({ err }, 'storing timed-out partial messages failed; tried again at the next tick');
      return;
    }
    for (const m of flushed) {
      this.log.info({ id: m.id, sender: m.sender, parts: m.parts, received: m.received }, 'concatenated SMS incomplete after the timeout: stored flagged partial');
      this.callback('onStored', () => this.o.onStored?.(m));
    }
  }

  private callback(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, callback: name }, 'SMS receiver callback threw');
    }
  }
}
