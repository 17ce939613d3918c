/**
 * In-memory SmscBackend for the SMPP tests: accounts by system_id, every SubmitRequest kept, message ids
 * counted up (decimal, as SMPP 3.4 Appendix B shows them), deliver items per account, and a log of
 * delivered / deliveryFailed calls. Optional hooks make submit slow or fail, and make receipts appear
 * for submits that ask for one.
 */
import type {
  AuthResult,
  BindMode,
  DeliverItem,
  QueryResult,
  SessionInfo,
  SmscBackend,
  SubmitRequest,
  SubmitResult,
} from '../../../src/smpp/types.js';

export interface Account {
  systemId: string;
  password: string;
  modes?: BindMode[];
}

interface Stored {
  request: SubmitRequest;
  messageId: string;
  state: number;
  finalDate: number | null;
}

export class MemoryBackend implements SmscBackend {
  readonly accounts = new Map<string, Account>();
  readonly submits: SubmitRequest[] = [];
  readonly messages = new Map<string, Stored>();
  /** Pending deliver items, by item id, with the system_id they are for. */
  readonly items = new Map<string, { item: DeliverItem; systemId: string }>();
  readonly deliveredItems: { itemId: string; sessionId: string }[] = [];
  readonly failures: { itemId: string; sessionId: string; reason: string }[] = [];
  readonly closedSessions: SessionInfo[] = [];
  readonly authCalls: { systemId: string; mode: BindMode; remote: string }[] = [];
  /** Optional: decides a submit (return undefined for the default: accept). */
  submitHook: ((req: SubmitRequest) => Promise<SubmitResult | undefined> | SubmitResult | undefined) | null = null;
  /** Optional: throw from the named method to test fault isolation. */
  throwIn: 'authenticate' | 'pending' | 'delivered' | 'query' | null = null;
  /** When set, a submit with registered_delivery bit 0 queues a DELIVRD receipt and calls this. */
  onReceiptQueued: (() => void) | null = null;
  private nextMessageId = 1000;
  private nextItem = 1;
  private waiters: (() => void)[] = [];

  constructor(accounts: Account[] = [{ systemId: 'esme', password: 'secret' }]) {
    for (const a of accounts) this.accounts.set(a.systemId, a);
  }

  authenticate(req: { systemId: string; password: string; mode: BindMode; remote: string }): AuthResult {
    this.authCalls.push({ systemId: req.systemId, mode: req.mode, remote: req.remote });
    if (this.throwIn === 'authenticate') throw new Error('authenticate exploded');
    const a = this.accounts.get(req.systemId);
    if (!a) return { ok: false, status: 0x0f }; // ESME_RINVSYSID
    if (a.password !== req.password) return { ok: false, status: 0x0e }; // ESME_RINVPASWD
    if (a.modes && !a.modes.includes(req.mode)) return { ok: false, status: 0x0d }; // ESME_RBINDFAIL
    return { ok: true, account: a };
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    const hooked = this.submitHook ? await this.submitHook(req) : undefined;
    if (hooked && !hooked.ok) {
      this.changed();
      return hooked;
    }
    const messageId = hooked?.ok ? hooked.messageId : String(this.nextMessageId++);
    this.submits.push(req);
    this.messages.set(messageId, { request: req, messageId, state: 6 /* ACCEPTED */, finalDate: null });
    if ((req.registeredDelivery & 0x03) !== 0 && this.onReceiptQueued) {
      const now = Date.now();
      this.addItem(req.session.systemId, {
        kind: 'receipt',
        source: req.dest,
        dest: req.source,
        text: '',
        receipt: { messageId, stat: 'DELIVRD', err: 0, submitDate: now, doneDate: now, text: req.text },
      });
      const m = this.messages.get(messageId)!;
      m.state = 2;
      m.finalDate = now;
      this.onReceiptQueued();
    }
    this.changed();
    return { ok: true, messageId };
  }

  query(session: SessionInfo, messageId: string): QueryResult | null {
    if (this.throwIn === 'query') throw new Error('query exploded');
    const m = this.messages.get(messageId);
    if (!m || m.request.session.systemId !== session.systemId) return null;
    return { messageId, state: m.state, finalDate: m.finalDate, errorCode: 0 };
  }

  pending(session: SessionInfo, limit: number, exclude: ReadonlySet<string>): DeliverItem[] {
    if (this.throwIn === 'pending') throw new Error('pending exploded');
    const out: DeliverItem[] = [];
    for (const { item, systemId } of this.items.values()) {
      if (out.length >= limit) break;
      if (systemId === session.systemId && !exclude.has(item.id)) out.push(item);
    }
    return out;
  }

  delivered(itemId: string, session: SessionInfo): void {
    if (this.throwIn === 'delivered') throw new Error('delivered exploded');
    this.items.delete(itemId);
    this.deliveredItems.push({ itemId, sessionId: session.id });
    this.changed();
  }

  deliveryFailed(itemId: string, session: SessionInfo, reason: string): void {
    this.failures.push({ itemId, sessionId: session.id, reason });
    this.changed();
  }

  sessionClosed(session: SessionInfo): void {
    this.closedSessions.push(session);
    this.changed();
  }

  /** Queues a deliver item for `systemId`; returns its id. */
  addItem(systemId: string, item: Omit<DeliverItem, 'id'> & { id?: string }): string {
    const id = item.id ?? `item-${this.nextItem++}`;
    this.items.set(id, { item: { ...item, id } as DeliverItem, systemId });
    return id;
  }

  addMo(systemId: string, text: string, opts: { from?: string; to?: string; split?: 'payload' | 'udh' } = {}): string {
    return this.addItem(systemId, {
      kind: 'mo',
      source: { ton: 1, npi: 1, addr: opts.from ?? '4917000009' },
      dest: { ton: 1, npi: 1, addr: opts.to ?? '4930123456' },
      text,
      ...(opts.split ? { split: opts.split } : {}),
    });
  }

  private changed(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `cond()` holds (checked after each backend call and every 20 ms). */
  async waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
}
