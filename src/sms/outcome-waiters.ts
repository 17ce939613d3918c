/**
 * Callers waiting for an outbound message to leave `queued`/`sending` (POST /api/sms with a wait): each
 * is woken when the message went out or reached a final state, or when its time is up.
 */
import type { MessageStore } from '../store/message-store.js';

export class OutcomeWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly store: Pick<MessageStore, 'getOutbound'>) {}

  /** Resolves when the message left queued/sending, or after `ms`. */
  wait(id: string, ms: number): Promise<void> {
    const m = this.store.getOutbound(id);
    if (m && m.status !== 'queued' && m.status !== 'sending') return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = () => {
        clearTimeout(t);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref(); // a caller waiting must not keep a stopping daemon alive
      set.add(done);
    });
  }

  /** The message went out: its waiters resume. */
  settle(id: string): void {
    const set = this.waiters.get(id);
    if (set) for (const f of [...set]) f();
  }

  /** Something reached a final state: every waiter whose message left queued/sending resumes. */
  settleAll(): void {
    for (const id of [...this.waiters.keys()]) {
      const m = this.store.getOutbound(id);
      if (!m || (m.status !== 'queued' && m.status !== 'sending')) this.settle(id);
    }
  }
}
