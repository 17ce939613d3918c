/**
 * The web UI's live updates: one subscription to the daemon's typed events (src/events.ts) shared by
 * every open event stream. While at least one stream is open the hub listens to each line's `status`,
 * the call service's CallEvents and the SMS pipeline's SmsEvents; with none open it holds no listener.
 * Each event is encoded once and handed to the streams whose role may read it.
 *
 * A line's `status` fires on every small change (signal, polling); it is coalesced per line to at most
 * 4 events a second, the newest status winning, and read from the registry when it goes out.
 */
import type { EventEmitter } from 'node:events';
import type { Call } from '../call/call.js';
import type { CallView } from '../call/call-view.js';
import type { CallEvents, LineEvents, SmsEvents } from '../events.js';
import type { LineStatus } from '../line/types.js';
import { CALLS_READ, SMS_READ, STATUS_READ } from './access-policy.js';
import type { Role } from './authenticator.js';
import { Coalescer, type CoalescerClock } from './line-event-coalescer.js';
import { encodeSseJson } from './sse-encoder.js';

/** The event types of the stream after `hello`. */
export type LiveEventType = 'lines' | 'line' | 'call' | 'sms';

/** Which roles may receive each event type (the sms role sees SMS events only; src/web/access-policy.ts). */
export const LIVE_EVENT_READERS: Readonly<Record<LiveEventType, readonly Role[]>> = {
  lines: STATUS_READ,
  line: STATUS_READ,
  call: CALLS_READ,
  sms: SMS_READ,
};

export function mayReceive(role: Role, type: LiveEventType): boolean {
  return LIVE_EVENT_READERS[type].includes(role);
}

/** The `sms` event's payload. */
export interface LiveSmsEvent {
  id: string;
  direction: 'in' | 'out';
  status: string;
}

export type LineBus = Pick<EventEmitter<LineEvents>, 'on' | 'off'> & { readonly id: number };

export interface LiveSources {
  /** The lines whose status is followed (read when the first stream opens). */
  lines(): readonly LineBus[];
  /** One line as GET /api/lines/:id shows it. */
  lineStatus(id: number): LineStatus | undefined;
  calls: Pick<EventEmitter<CallEvents>, 'on' | 'off'>;
  /** One call as GET /api/calls/:id shows it. */
  callView(id: string): CallView | undefined;
  sms: Pick<EventEmitter<SmsEvents>, 'on' | 'off'>;
}

/** An open stream as the hub sees it. */
export interface LiveSubscriber {
  readonly role: Role;
  /** Hands over one encoded frame. */
  send(frame: string): void;
}

export const LINE_EVENT_MIN_INTERVAL_MS = 250;

export class LiveEventHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private detach: (() => void) | null = null;
  private readonly lineUpdates: Coalescer<number, null>;
  /** The lines listened to, with their listener removers (while listening). */
  private readonly lineListeners = new Map<LineBus, () => void>();

  constructor(
    private readonly sources: LiveSources,
    opts: { clock?: CoalescerClock; lineMinIntervalMs?: number } = {},
  ) {
    this.lineUpdates = new Coalescer<number, null>((id) => this.publishLine(id), {
      minIntervalMs: opts.lineMinIntervalMs ?? LINE_EVENT_MIN_INTERVAL_MS,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
  }

  /** Adds a stream; returns its unsubscribe (idempotent). */
  subscribe(s: LiveSubscriber): () => void {
    this.subscribers.add(s);
    if (this.detach === null) this.detach = this.attach();
    this.syncLines();
    return () => {
      if (!this.subscribers.delete(s)) return;
      if (this.subscribers.size === 0) this.stopListening();
    };
  }

  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Follows lines that appeared (and forgets ones that went) since listening began: the HTTP API
   * listens before the lines start, so a stream may open while the line list is still empty.
   */
  syncLines(): void {
    if (this.detach === null) return;
    const now = new Set(this.sources.lines());
    for (const [line, off] of this.lineListeners) {
      if (!now.has(line)) {
        off();
        this.lineListeners.delete(line);
      }
    }
    for (const line of now) {
      if (this.lineListeners.has(line)) continue;
      const onStatus = () => this.lineUpdates.push(line.id, null);
      line.on('status', onStatus);
      this.lineListeners.set(line, () => line.off('status', onStatus));
    }
  }

  /** Every line as GET /api/lines shows them (the `lines` snapshot). */
  snapshot(): LineStatus[] {
    return this.sources
      .lines()
      .map((l) => this.sources.lineStatus(l.id))
      .filter((s): s is LineStatus => s !== undefined)
      .sort((a, b) => a.id - b.id);
  }

  /** Forgets every stream and listener (the caller ends the responses). */
  close(): void {
    this.subscribers.clear();
    this.stopListening();
  }

  private stopListening(): void {
    this.detach?.();
    this.detach = null;
    this.lineUpdates.clear();
  }

  private attach(): () => void {
    const { sources } = this;
    const onCall = (call: Call) => {
      const view = sources.callView(call.id);
      if (view) this.publish('call', encodeSseJson('call', view));
    };
    sources.calls.on('call-started', onCall);
    sources.calls.on('call-changed', onCall);
    sources.calls.on('call-ended', onCall);
    const sms = (e: LiveSmsEvent) => this.publish('sms', encodeSseJson('sms', e));
    const onReceived = (m: SmsEvents['sms-received'][0]) => sms({ id: m.id, direction: 'in', status: 'received' });
    const onAccepted = (m: SmsEvents['sms-accepted'][0]) => sms({ id: m.id, direction: 'out', status: 'queued' });
    const onSent = (m: SmsEvents['sms-sent'][0]) => sms({ id: m.id, direction: 'out', status: 'sent' });
    const onFinal = (m: SmsEvents['sms-final'][0]) => sms({ id: m.id, direction: 'out', status: m.state });
    sources.sms.on('sms-received', onReceived);
    sources.sms.on('sms-accepted', onAccepted);
    sources.sms.on('sms-sent', onSent);
    sources.sms.on('sms-final', onFinal);
    return () => {
      for (const off of this.lineListeners.values()) off();
      this.lineListeners.clear();
      sources.calls.off('call-started', onCall);
      sources.calls.off('call-changed', onCall);
      sources.calls.off('call-ended', onCall);
      sources.sms.off('sms-received', onReceived);
      sources.sms.off('sms-accepted', onAccepted);
      sources.sms.off('sms-sent', onSent);
      sources.sms.off('sms-final', onFinal);
    };
  }

  private publishLine(id: number): void {
    const status = this.sources.lineStatus(id);
    if (status) this.publish('line', encodeSseJson('line', status));
  }

  private publish(type: LiveEventType, frame: string): void {
    // A copy: a subscriber dropped while sending (its queue overflowed) leaves the set mid-loop.
    for (const s of [...this.subscribers]) if (mayReceive(s.role, type)) s.send(frame);
  }
}
