/**
 * Keeps relay reports across restarts: the record is parked in the store before the SMS is, and
 * turned into a report job once the SMS is sent or final (on the pipeline's `sms-sent`/`sms-final`,
 * and by a sweep at start for SMS that ended while no one listened, e.g. a crash between the status
 * change and the event). Every step is idempotent: a parked record is turned into at most one job.
 */
import type { Logger } from '../../util/log.js';
import type { BridgeStore } from './bridge-store.js';
import { outcomeOf, PARKED_AT, PENDING_REPORT_KIND, readRecord, REPORT_KIND, type RelayReportRecord } from './relay-report-record.js';

/** Parked records looked at by one sweep (the oldest first; later ones settle on their events). */
const SWEEP_LIMIT = 10_000;

export class RelayReportTracker {
  constructor(
    private readonly store: BridgeStore,
    private readonly log: Logger,
    /** A report job was added (wakes the report worker). */
    private readonly onReady: () => void,
  ) {}

  /** Parks the record for the SMS that will be stored with `smsId`. Throws when the store cannot write. */
  park(smsId: string, record: RelayReportRecord): void {
    this.store.enqueueDeliveries(smsId, [{ kind: PENDING_REPORT_KIND, target: record.senderUri, payload: record, nextAt: PARKED_AT }]);
  }

  /** Drops the parked record of an SMS that was not stored after all. Never throws. */
  forget(smsId: string): void {
    try {
      for (const job of this.store.deliveriesOf(smsId)) {
        if (job.kind === PENDING_REPORT_KIND && job.status === 'pending') this.store.failDelivery(job.id, 'the SMS was not stored', null);
      }
    } catch (error) {
      this.log.warn({ err: error, sms: smsId }, 'a parked relay report could not be dropped; it is dropped when found without its SMS');
    }
  }

  /** The SMS `smsId` may have an outcome now: its report job is added when it has. Never throws. */
  settle(smsId: string): void {
    try {
      const jobs = this.store.deliveriesOf(smsId);
      const parked = jobs.find((job) => job.kind === PENDING_REPORT_KIND && job.status === 'pending');
      if (parked === undefined) return;
      const sms = this.store.getOutbound(smsId);
      if (sms === undefined) {
        this.store.failDelivery(parked.id, 'the SMS is no longer stored', null);
        return;
      }
      const outcome = outcomeOf(sms);
      if (outcome === undefined) return;
      const record = readRecord(parked.payload);
      if (record !== undefined && !jobs.some((job) => job.kind === REPORT_KIND)) {
        this.store.enqueueDeliveries(smsId, [{ kind: REPORT_KIND, target: record.senderUri, payload: { ...record, outcome } }]);
        this.onReady();
      }
      this.store.completeDelivery(parked.id);
    } catch (error) {
      this.log.error({ err: error, sms: smsId }, 'relay report not queued; the next start tries again');
    }
  }

  /** Settles every parked record (at start). */
  sweep(): void {
    let parked;
    try {
      parked = this.store.pending(PENDING_REPORT_KIND, SWEEP_LIMIT);
    } catch (error) {
      this.log.error({ err: error }, 'parked relay reports could not be read');
      return;
    }
    for (const job of new Set(parked.map((p) => p.ref))) this.settle(job);
  }
}
