/**
 * Per-SIM history for the simulator's control API: SMS sent and received (one entry per message, the
 * parts of a concatenated SMS grouped by originator, reference and part count), and calls. Each list
 * keeps the last `limit` entries.
 */
import type { Alphabet, ConcatInfo } from '../../../src/gsm/index.js';
import type { CallEndCause, CallLegState } from '../types.js';

/**
 * accepted: submitted, on its way; stored: held by the network for a recipient that is not
 * registered; delivered: every part reached the recipient (for received messages: every part arrived
 * so far); failed / expired: at least one part could not be delivered.
 */
export type SmsLogStatus = 'accepted' | 'stored' | 'delivered' | 'failed' | 'expired';

export interface SmsLogEntry {
  id: number;
  /** Network time of the first part. */
  time: number;
  /** The other party: destination (sent) or originator (received). */
  peer: string;
  /** Decoded text of the parts seen so far, in part order. */
  text: string;
  encoding: Alphabet;
  /** Parts the message consists of, and how many of them were seen. */
  parts: number;
  partsSeen: number;
  status: SmsLogStatus;
  /** TP-MR of each submitted part (sent messages). */
  mrs: number[];
  /** TP-ST of the last status report generated for it (sent messages with TP-SRR). */
  reportStatus?: number;
}

export interface CallLogEntry {
  id: number;
  time: number;
  direction: 'mo' | 'mt';
  peer: string;
  /** Current state, or the end cause once the call is over. */
  status: CallLegState | CallEndCause;
  answeredAt: number | null;
  endedAt: number | null;
  /** Talk time (ms) once ended, 0 when never answered. */
  durationMs: number;
}

export interface SimLogSnapshot {
  sent: SmsLogEntry[];
  received: SmsLogEntry[];
  calls: CallLogEntry[];
}

/** Internal form of an SMS entry: the public fields plus per-part bookkeeping. */
export interface SmsRecord extends SmsLogEntry {
  partTexts: string[];
  delivered: number;
  failed: number;
  stored: number;
}

const MAX_OPEN_GROUPS = 64;

export class SimLog {
  private readonly sentList: SmsRecord[] = [];
  private readonly receivedList: SmsRecord[] = [];
  private readonly callList: CallLogEntry[] = [];
  /** Concatenated messages with parts still missing, by direction|peer|ref|total. */
  private readonly open = new Map<string, SmsRecord>();

  constructor(
    private readonly limit: number,
    private readonly nextId: () => number,
  ) {}

  /** Records one part of an SMS; returns the entry it belongs to. */
  smsPart(
    dir: 'sent' | 'received',
    peer: string,
    time: number,
    concat: ConcatInfo | undefined,
    text: string,
    encoding: Alphabet,
    mr?: number,
  ): SmsRecord {
    const key = concat ? `${dir}|${peer}|${concat.refBits}:${concat.ref}|${concat.total}` : undefined;
    let rec = key ? this.open.get(key) : undefined;
    // A part number seen already means a new message reusing the reference.
    if (rec && concat && rec.partTexts[concat.seq - 1] !== undefined) {
      this.open.delete(key!);
      rec = undefined;
    }
    if (!rec) {
      rec = {
        id: this.nextId(),
        time,
        peer,
        text: '',
        encoding,
        parts: concat?.total ?? 1,
        partsSeen: 0,
        status: dir === 'sent' ? 'accepted' : 'delivered',
        mrs: [],
        partTexts: [],
        delivered: 0,
        failed: 0,
        stored: 0,
      };
      const list = dir === 'sent' ? this.sentList : this.receivedList;
      list.push(rec);
      if (list.length > this.limit) list.shift();
      if (key && rec.parts > 1) {
        this.open.set(key, rec);
        if (this.open.size > MAX_OPEN_GROUPS) this.open.delete(this.open.keys().next().value!);
      }
    }
    rec.partTexts[concat ? concat.seq - 1 : 0] = text;
    rec.partsSeen++;
    rec.text = rec.partTexts.filter((t) => t !== undefined).join('');
    if (mr !== undefined) rec.mrs.push(mr);
    if (key && rec.partsSeen >= rec.parts) this.open.delete(key);
    return rec;
  }

  /** Outcome of one part of a sent message. */
  partOutcome(rec: SmsRecord, outcome: 'delivered' | 'stored' | 'failed' | 'expired', reportStatus?: number): void {
    if (outcome === 'delivered') {
      rec.delivered++;
      if (rec.stored > 0) rec.stored--;
    } else if (outcome === 'stored') {
      rec.stored++;
    } else {
      rec.failed++;
      if (rec.stored > 0) rec.stored--;
    }
    if (reportStatus !== undefined) rec.reportStatus = reportStatus;
    if (outcome === 'failed' || outcome === 'expired') rec.status = outcome;
    else if (rec.failed > 0) return;
    else if (rec.stored > 0) rec.status = 'stored';
    else if (rec.delivered >= rec.parts) rec.status = 'delivered';
  }

  call(direction: 'mo' | 'mt', peer: string, time: number, status: CallLegState): CallLogEntry {
    const e: CallLogEntry = { id: this.nextId(), time, direction, peer, status, answeredAt: null, endedAt: null, durationMs: 0 };
    this.callList.push(e);
    if (this.callList.length > this.limit) this.callList.shift();
    return e;
  }

  snapshot(): SimLogSnapshot {
    const pub = (r: SmsRecord): SmsLogEntry => {
      const e: SmsLogEntry = {
        id: r.id,
        time: r.time,
        peer: r.peer,
        text: r.text,
        encoding: r.encoding,
        parts: r.parts,
        partsSeen: r.partsSeen,
        status: r.status,
        mrs: [...r.mrs],
      };
      if (r.reportStatus !== undefined) e.reportStatus = r.reportStatus;
      return e;
    };
    return {
      sent: this.sentList.map(pub),
      received: this.receivedList.map(pub),
      calls: this.callList.map((c) => ({ ...c })),
    };
  }
}
