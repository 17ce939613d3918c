/**
 * INVITE server transactions whose 2xx was acknowledged, kept compactly for Timer L (RFC 6026 §8.7:
 * for 64·T1 after the 2xx a retransmitted INVITE is absorbed, not taken for a new call). The TU is done
 * with them at the ACK; what is left to do for 32 s needs only the transaction's key and the 2xx's To
 * tag (a CANCEL that still matches gets 200 with it, RFC 3261 §9.2), not a whole transaction with its
 * timers and table entry. Kept by bucket (lingering-map.ts).
 *
 * Only INVITEs with an RFC 3261 branch come here: RFC 2543 matching needs To tags the transaction
 * table compares (transaction-table.ts); such a transaction keeps its wait itself.
 */
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import type { TransactionRequest } from '../transaction/transaction-message.js';
import { serverKeyOfRequest } from '../transaction/transaction-key.js';
import { detachedString } from '../../util/detached-string.js';
import { LingeringMap } from './lingering-map.js';

export class AcceptedInvites {
  /** Transaction key → the 2xx's To tag. */
  private readonly toTags: LingeringMap<string>;

  constructor(scheduler: TimerScheduler, lingerMs: () => number) {
    this.toTags = new LingeringMap(scheduler, lingerMs);
  }

  get size(): number {
    return this.toTags.size;
  }

  /**
   * The TU is done with the transaction (its 2xx was acknowledged): the store takes over its wait and
   * ends it; when it cannot, the transaction keeps the wait, released of everything but its To tag.
   */
  finish(transaction: InviteServerTransaction): void {
    if (!this.take(transaction)) transaction.release();
  }

  /** Takes over the transaction's Timer L wait and ends it; false when it cannot. */
  private take(transaction: InviteServerTransaction): boolean {
    const keyed = serverKeyOfRequest(transaction.request);
    const toTag = transaction.lastSentResponse?.toTag;
    if (!keyed.ok || keyed.legacy || transaction.state !== 'accepted' || toTag === undefined) return false;
    // The tag as a string of its own: a slice would keep the whole 2xx text alive (the key is joined anew).
    if (!this.toTags.add(keyed.key, detachedString(toTag))) return false;
    transaction.handOff();
    return true;
  }

  /** A retransmission of an accepted INVITE: absorbed here (RFC 6026 §8.7). */
  absorbs(request: TransactionRequest): boolean {
    if (request.method !== 'INVITE' || this.toTags.size === 0) return false;
    const keyed = serverKeyOfRequest(request);
    return keyed.ok && !keyed.legacy && this.toTags.get(keyed.key) !== undefined;
  }

  /**
   * The 2xx's To tag of the acknowledged INVITE a CANCEL matches (§9.2), if any: from the transaction
   * the table found (one that kept its wait) or from the store.
   */
  cancelled(cancel: TransactionRequest, target: unknown): string | undefined {
    if (target instanceof InviteServerTransaction) return target.state === 'accepted' ? target.lastSentResponse?.toTag : undefined;
    if (this.toTags.size === 0) return undefined;
    const keyed = serverKeyOfRequest(cancel, 'INVITE');
    return keyed.ok && !keyed.legacy ? this.toTags.get(keyed.key) : undefined;
  }

  close(): void {
    this.toTags.close();
  }
}
