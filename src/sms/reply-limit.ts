/**
 * How often one sender may make cellgate send an SMS reply (the `###INFO###` answer): at most
 * `perSender` replies within a sliding `windowMs`. Every reply costs an SMS on the line's SIM, so a
 * sender that keeps asking (or a loop with another automatic responder) is answered once and then not
 * again until the window has passed.
 *
 * Counters are in memory (a restart forgets them) and bounded: the senders seen least recently are
 * forgotten first. Pure apart from the injectable clock; never throws.
 */

export interface ReplyLimitOptions {
  perSender: number;
  windowMs: number;
  /** Senders remembered at most (default 10000). */
  maxSenders?: number;
  now?: () => number;
}

export type ReplyDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class ReplyLimit {
  private readonly perSender: number;
  private readonly windowMs: number;
  private readonly maxSenders: number;
  private readonly now: () => number;
  private readonly sent = new Map<string, number[]>();

  constructor(o: ReplyLimitOptions) {
    this.perSender = Math.max(1, Math.floor(o.perSender));
    this.windowMs = Math.max(1, Math.floor(o.windowMs));
    this.maxSenders = Math.max(1, Math.floor(o.maxSenders ?? 10_000));
    this.now = o.now ?? Date.now;
  }

  /** Whether a reply to this sender may go now; when it may, it is counted. */
  take(sender: string): ReplyDecision {
    const now = this.now();
    const key = String(sender);
    const list = (this.sent.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length >= this.perSender) {
      this.sent.set(key, list);
      return { allowed: false, retryAfterMs: Math.max(1, list[list.length - this.perSender]! + this.windowMs - now) };
    }
    list.push(now);
    // Re-inserted so that the map's order is the order senders were last seen.
    this.sent.delete(key);
    while (this.sent.size >= this.maxSenders) {
      const oldest = this.sent.keys().next();
      if (oldest.done) break;
      this.sent.delete(oldest.value);
    }
    this.sent.set(key, list);
    return { allowed: true };
  }
}
