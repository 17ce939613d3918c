/**
 * SMPP exactly-once across a crash (docs/decisions/0020-smpp-exactly-once.md).
 *
 * A submit stored durably whose submit_sm_resp never left (the daemon was killed between the two) is
 * resubmitted by a well-behaved ESME after it reconnects. At start, the copies whose answer was not
 * recorded are loaded here by fingerprint (same account, source, destination, data coding, UDH and
 * text) and the queued ones are held from the lines. During the window a resubmission with the same
 * fingerprint claims the oldest such copy: it is answered with the copy's message id (so receipts
 * and query_sm match) and nothing new is queued. When the window ends, what no resubmission claimed
 * is released and goes out as stored, so nothing is lost.
 *
 * The price: after a crash, two intentionally identical messages inside the window, one stored before
 * the crash without its answer recorded and one submitted after, count as one.
 */
import { createHash } from 'node:crypto';
import type { MessageStore } from '../store/message-store.js';
import type { Logger } from '../util/log.js';

/** What makes two SMPP submits "the same message" for a resubmission. */
export interface SubmitFingerprint {
  /** The account's system_id (per-line ids of one account are one account). */
  account: string;
  source: { ton: number; npi: number; addr: string };
  dest: { ton: number; npi: number; addr: string };
  dataCoding: number;
  /** Concatenation from the UDH or SAR TLVs, null for a whole message. */
  concat: { ref: number; total: number; seq: number } | null;
  text: string;
}

/** A short, fixed-size key of a fingerprint (stored in sms_out.answer_key). */
export function fingerprintKey(f: SubmitFingerprint): string {
  const c = f.concat ? [f.concat.ref, f.concat.total, f.concat.seq] : null;
  const parts = [f.account, f.source.ton, f.source.npi, f.source.addr, f.dest.ton, f.dest.npi, f.dest.addr, f.dataCoding, c, f.text];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export interface ResubmitGuardOptions {
  store: MessageStore;
  /** How long after a start stored-but-unanswered copies wait for their resubmission; 0 = not at all. */
  windowMs: () => number;
  /** Held copies became sendable (claimed or released): the scheduler's wake. */
  onSendable: () => void;
  log: Logger;
}

export class ResubmitGuard {
  /** Fingerprint → ids of unanswered stored copies, oldest first. */
  private readonly copies = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;
  private holding = false;

  constructor(private readonly o: ResubmitGuardOptions) {}

  /**
   * At start, before the scheduler or the SMSC run: holds the copies stored but never answered, or
   * releases them all when there is no window.
   */
  hold(): void {
    if (this.o.windowMs() <= 0) {
      const n = this.o.store.answers.releaseAll();
      if (n) this.o.log.info({ messages: n }, 'no SMPP resubmit window: stored submits whose answer was not recorded go out as stored');
      return;
    }
    const rows = this.o.store.answers.holdUnanswered();
    for (const r of rows) {
      const ids = this.copies.get(r.key);
      if (ids) ids.push(r.id);
      else this.copies.set(r.key, [r.id]);
    }
    this.holding = rows.length > 0;
    if (this.holding) {
      const queued = rows.filter((r) => r.status === 'queued').length;
      this.o.log.warn({ unanswered: rows.length, held: queued, windowMs: this.o.windowMs() }, 'SMPP submits stored before the restart without their answer: waiting for the ESMEs to resubmit them');
    }
  }

  /** The SMSC listens: the window runs from now. */
  startWindow(): void {
    if (!this.holding || this.timer) return;
    this.timer = setTimeout(() => this.release(), this.o.windowMs());
    this.timer.unref();
  }

  /**
   * A submit with this fingerprint: when a stored unanswered copy matches, claims it and resolves with
   * its message id once the claim is durable; null when none matches (submit as new).
   */
  claim(key: string): Promise<string | null> | null {
    const ids = this.copies.get(key);
    if (!ids) return null;
    const id = ids.shift()!;
    if (ids.length === 0) this.copies.delete(key);
    return this.o.store.answers.claim(id).then((found) => {
      if (!found) return null;
      this.o.log.info({ id }, 'SMPP resubmission matched to the copy stored before the restart; answered with its message id');
      this.o.onSendable();
      return id;
    });
  }

  /** The submit_sm_resp carrying `messageId` was written to the ESME. */
  answered(messageId: string): void {
    this.o.store.answers.markAnswered(messageId);
  }

  /** Copies still waiting for a resubmission (for tests and the log). */
  waiting(): number {
    let n = 0;
    for (const ids of this.copies.values()) n += ids.length;
    return n;
  }

  /** The window ended: what no resubmission claimed goes out as stored. */
  release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.holding = false;
    const ids = [...this.copies.values()].flat();
    this.copies.clear();
    if (ids.length === 0) return;
    try {
      this.o.store.answers.release(ids);
      this.o.log.warn({ messages: ids.length }, 'SMPP resubmit window ended: stored submits nobody resubmitted go out as stored');
    } catch (e) {
      // Still held in the store: the next start holds and releases them again.
      this.o.log.error({ err: e }, 'releasing held SMPP submits failed');
    }
    this.o.onSendable();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
