/** Shared pieces of the forwarding tests: a fake clock for the delivery worker, stores, messages. */
import type { TestContext } from 'node:test';
import { MessageStore, type IncomingSms, type InboundMessage, type NewDelivery } from '../../src/store/message-store.js';
import type { SetTimer } from '../../src/sms/delivery-worker.js';
import { tempDir } from '../store/temp-dir.js';

/** Lets pending promise callbacks and I/O callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * Waits (in real time, at most `ms`) until `cond` holds: for work that goes through the message
 * store's group commit, whose promises settle after an fdatasync on the thread pool.
 */
export async function settleUntil(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise<void>((r) => setTimeout(r, 2));
}

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock and timers that move only when told (`advance`). */
export class FakeClock {
  t: number;
  private timers: FakeTimer[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2024, 4, 1, 8, 0, 0)) {
    this.t = start;
  }

  readonly now = (): number => this.t;

  readonly setTimer: SetTimer = (fn, ms) => {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  /** Active timers. */
  active(): number {
    return this.timers.filter((x) => !x.cancelled).length;
  }

  /** When the earliest active timer fires, or null. */
  nextAt(): number | null {
    const a = this.timers.filter((x) => !x.cancelled).map((x) => x.at);
    return a.length ? Math.min(...a) : null;
  }

  /** Moves time forward by `ms`, firing the timers that come due in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => !x.cancelled && x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      due.cancelled = true;
      this.timers = this.timers.filter((x) => !x.cancelled);
      due.fn();
    }
    this.t = end;
    await settle();
  }

  /** Advances to the next timer (and fires it); returns false when there is none. */
  async step(): Promise<boolean> {
    const at = this.nextAt();
    if (at === null) return false;
    await this.advance(Math.max(0, at - this.t));
    return true;
  }
}

export function openStore(t: TestContext, now: () => number, dir = tempDir(t)): { store: MessageStore; dir: string } {
  const store = MessageStore.open(dir, { now });
  t.after(() => store.close());
  return { store, dir };
}

let smsSeq = 0;

/** Stores one received SMS with the given fan-out jobs; returns the message. */
export function receive(store: MessageStore, over: Partial<IncomingSms>, jobs: NewDelivery[] | ((m: InboundMessage) => NewDelivery[])): InboundMessage {
  const sms: IncomingSms = {
    line: '1',
    slot: 'A',
    iccid: '89860000000000000001',
    recipient: '+8613800000001',
    sender: '+8613670128297',
    text: '你好',
    sentAt: null,
    concat: null,
    dedup: `test-${process.pid}-${++smsSeq}-${Math.random()}`,
    ...over,
  };
  const r = store.storeIncoming(sms, typeof jobs === 'function' ? jobs : () => jobs);
  if (!r.stored) throw new Error('the test message was not stored');
  return r.stored;
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
