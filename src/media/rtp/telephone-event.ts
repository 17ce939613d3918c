/**
 * RFC 4733 telephone-events for DTMF, pure: the 4-byte payload (§2.3), the sender's packet schedule
 * (§2.5.1) and the receiver's state machine (§2.5.2).
 *
 * Payload: event (8 bits) | E end bit | R | volume (6 bits, −dBm0) | duration (16 bits, timestamp units).
 * All packets of one event carry the same RTP timestamp, the event's start; the receiver keys events by
 * that timestamp, so a lost start packet, lost updates, a lost end or the three retransmitted ends still
 * yield each digit exactly once.
 */
import type { DtmfDigit } from '../audio-contract.js';

export interface TelephoneEvent {
  /** 0–9, 10 '*', 11 '#', 12–15 A–D, 16 flash (§3.2). */
  event: number;
  end: boolean;
  /** Power level as −dBm0, 0–63. */
  volume: number;
  /** Duration so far, in timestamp units (8 kHz). */
  duration: number;
}

const DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

export function digitOfEvent(event: number): DtmfDigit | null {
  return DIGITS[event] ?? null;
}

export function eventOfDigit(digit: DtmfDigit): number {
  return DIGITS.indexOf(digit);
}

/** §2.3; null for a payload shorter than 4 bytes. Extra bytes (redundancy we do not use) are ignored. */
export function decodeTelephoneEvent(p: Uint8Array): TelephoneEvent | null {
  if (p.length < 4) return null;
  return { event: p[0]!, end: (p[1]! & 0x80) !== 0, volume: p[1]! & 0x3f, duration: (p[2]! << 8) | p[3]! };
}

export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const d = Math.max(0, Math.min(0xffff, e.duration));
  return Uint8Array.of(e.event & 0xff, (e.end ? 0x80 : 0) | (e.volume & 0x3f), d >> 8, d & 0xff);
}

export interface ScheduledEventPacket {
  /** When to send it, in ms after the event starts. */
  atMs: number;
  marker: boolean;
  payload: Uint8Array;
}

/** §2.5.1.2 updates every 50 ms; §2.5.1.4 the final packet is sent three times. */
export const EVENT_UPDATE_MS = 50;
export const END_REPEATS = 3;
/** Longest event in one segment: the 16-bit duration at 8 kHz is 8.19 s (§2.5.1.3); we cap digits lower. */
export const MAX_EVENT_MS = 5000;
export const DEFAULT_EVENT_VOLUME = 10;

/**
 * The packets of one event, all to carry the same RTP timestamp (the event's start): a start packet with
 * the marker bit (§2.5.1.1), an update every 50 ms with the duration so far, and the end packet three
 * times at the update interval.
 */
export function telephoneEventSchedule(event: number, durationMs: number, volume = DEFAULT_EVENT_VOLUME): ScheduledEventPacket[] {
  const ms = Math.max(EVENT_UPDATE_MS, Math.min(MAX_EVENT_MS, Math.round(durationMs)));
  const units = (t: number) => t * 8;
  const out: ScheduledEventPacket[] = [{ atMs: 0, marker: true, payload: encodeTelephoneEvent({ event, end: false, volume, duration: 0 }) }];
  for (let t = EVENT_UPDATE_MS; t < ms; t += EVENT_UPDATE_MS) out.push({ atMs: t, marker: false, payload: encodeTelephoneEvent({ event, end: false, volume, duration: units(t) }) });
  for (let i = 0; i < END_REPEATS; i++) out.push({ atMs: ms + i * EVENT_UPDATE_MS, marker: false, payload: encodeTelephoneEvent({ event, end: true, volume, duration: units(ms) }) });
  return out;
}

/** Receiver states: no event, an event in progress (reported), or the last one ended (its ends may repeat). */
export type EventReceiverState = 'idle' | 'in-event' | 'ended';

const EDGES: Readonly<Record<EventReceiverState, readonly EventReceiverState[]>> = {
  idle: ['in-event', 'ended'],
  'in-event': ['in-event', 'ended'],
  ended: ['in-event', 'ended'],
};

/** The one transition function: throws on an edge the table does not allow. */
export function eventReceiverTransition(from: EventReceiverState, to: EventReceiverState): EventReceiverState {
  if (!EDGES[from].includes(to)) throw new Error(`telephone-event receiver: illegal transition ${from} → ${to}`);
  return to;
}

/** Serial-number comparison of 32-bit timestamps: a is after b (RFC 1982 style, half the space). */
function timestampAfter(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

export class TelephoneEventReceiver {
  private state: EventReceiverState = 'idle';
  /** The timestamp of the newest event seen (reported), or null before the first. */
  private current: number | null = null;

  constructor(private readonly onDigit: (digit: DtmfDigit, event: TelephoneEvent) => void) {}

  get currentState(): EventReceiverState {
    return this.state;
  }

  /** One telephone-event packet (its RTP timestamp and payload); malformed payloads are ignored. */
  receive(timestamp: number, payload: Uint8Array): void {
    const e = decodeTelephoneEvent(payload);
    if (!e) return;
    const ts = timestamp >>> 0;
    if (this.current === null || timestampAfter(ts, this.current)) {
      // A new event, whichever of its packets arrived first (start, update or even end): report it now.
      this.current = ts;
      this.state = eventReceiverTransition(this.state, e.end ? 'ended' : 'in-event');
      const digit = digitOfEvent(e.event);
      if (digit) this.onDigit(digit, e);
      return;
    }
    // Same event (an update, the end or its retransmissions) or an older one arriving late: never reported again.
    if (ts === this.current && e.end && this.state === 'in-event') this.state = eventReceiverTransition(this.state, 'ended');
  }
}
