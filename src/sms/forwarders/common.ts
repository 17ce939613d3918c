/**
 * What the forwarders share: loading the message a job refers to, and the small conversions from the
 * stored message to the formatter inputs of src/sms/forward-format.ts.
 */
import type { Delivery, InboundMessage } from '../../store/message-store.js';
import { PermanentDeliveryError } from '../delivery-worker.js';
import { lineNumberOf } from '../fanout.js';

/** Reads a stored received message by id (MessageStore.getInbound). */
export type GetInbound = (ref: string) => InboundMessage | undefined;

/** The message of a job; a job whose message was deleted (inbox cleared) cannot be done. */
export function messageOf(getInbound: GetInbound, d: Delivery): InboundMessage {
  const m = getInbound(d.ref);
  if (!m) throw new PermanentDeliveryError(`the received message ${d.ref} is no longer stored`);
  return m;
}

/** The line as the formats want it: the numeric id (line ids are numbers; the store keeps text). */
export function lineOf(m: InboundMessage): number {
  const n = lineNumberOf(m);
  if (n === null) throw new PermanentDeliveryError(`the message's line id ${JSON.stringify(m.line)} is not a number`);
  return n;
}

/** Slot letter A–D as 1–4 (the webhook payload's `slot`). */
export function slotNumber(slot: string | null): number | null {
  if (slot === null) return null;
  const i = 'ABCD'.indexOf(slot);
  return i < 0 ? null : i + 1;
}

/** Partial marker of the formats: how many parts arrived of how many. */
export function partialOf(m: InboundMessage): false | { received: number; total: number } {
  return m.partial ? { received: m.received, total: m.parts } : false;
}

/**
 * Whether two phone numbers name the same subscriber: equal digits, or one ends with the other once
 * national trunk zeros are dropped ("013670128297" and "+8613670128297"), at least 7 digits compared.
 * Alphanumeric senders compare case-insensitively as text.
 */
export function sameNumber(a: string, b: string): boolean {
  const da = a.replace(/[\s\-().]/g, '');
  const db = b.replace(/[\s\-().]/g, '');
  if (!/^\+?[0-9]+$/.test(da) || !/^\+?[0-9]+$/.test(db)) return da.toLowerCase() === db.toLowerCase() && da !== '';
  const na = da.replace(/^\+/, '').replace(/^0+/, '');
  const nb = db.replace(/^\+/, '').replace(/^0+/, '');
  if (na === nb) return na !== '';
  const [short, long] = na.length <= nb.length ? [na, nb] : [nb, na];
  return short.length >= 7 && long.endsWith(short);
}
