/**
 * Rows of the message tables (migrations.ts) and their conversion to the records of message-types.ts.
 */
import type { Delivery, InboundMessage, InboundCommandKind, OutboundDecision, OutboundMessage, Origin, OutStatus } from './message-types.js';

/** sms_out */
export interface OutRow {
  id: string;
  origin: string;
  client: string | null;
  sender: string | null;
  recipient: string;
  number: string;
  text: string;
  parts: number;
  lines: string | null;
  status: string;
  reason: string | null;
  line: string | null;
  slot: number | null;
  iccid: string | null;
  attempts: number;
  tried: string;
  report: number;
  partial: number;
  created_at: number;
  not_before: number | null;
  expires_at: number | null;
  sent_at: number | null;
  done_at: number | null;
  updated_at: number;
}

export interface InRow {
  id: string;
  line: string;
  slot: number | null;
  iccid: string | null;
  recipient: string | null;
  sender: string;
  text: string;
  parts: number;
  received: number;
  partial: number;
  sent_at: number | null;
  received_at: number;
  command: string | null;
}

export interface DeliveryRow {
  id: string;
  kind: string;
  target: string;
  ref: string;
  payload: string;
  status: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: number;
  done_at: number | null;
}

const SLOT_LETTERS = 'ABCD';

export function slotIndex(slot: string | null): number | null {
  if (slot === null) return null;
  const i = SLOT_LETTERS.indexOf(slot);
  return i < 0 ? null : i;
}

export function slotLetter(i: number | null): string | null {
  return i === null ? null : (SLOT_LETTERS[i] ?? null);
}

export function outFromRow(r: OutRow, aliases: string[], decisions: OutboundDecision[]): OutboundMessage {
  return {
    id: r.id,
    origin: r.origin as Origin,
    client: r.client,
    sender: r.sender,
    recipient: r.recipient,
    number: r.number,
    text: r.text,
    parts: r.parts,
    lines: r.lines ? (JSON.parse(r.lines) as number[]) : null,
    status: r.status as OutStatus,
    reason: r.reason,
    line: r.line,
    slot: slotLetter(r.slot),
    iccid: r.iccid,
    attempts: r.attempts,
    tried: JSON.parse(r.tried) as string[],
    report: r.report !== 0,
    reportFailureOnly: r.report === 2,
    partial: r.partial === 1,
    createdAt: r.created_at,
    notBefore: r.not_before,
    expiresAt: r.expires_at,
    sentAt: r.sent_at,
    doneAt: r.done_at,
    updatedAt: r.updated_at,
    aliases,
    decisions,
  };
}

export function inFromRow(r: InRow): InboundMessage {
  return {
    id: r.id,
    line: r.line,
    slot: slotLetter(r.slot),
    iccid: r.iccid,
    recipient: r.recipient,
    sender: r.sender,
    text: r.text,
    parts: r.parts,
    received: r.received,
    partial: r.partial === 1,
    sentAt: r.sent_at,
    receivedAt: r.received_at,
    command: (r.command as InboundCommandKind | null) ?? null,
  };
}

export function deliveryFromRow(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    kind: r.kind,
    target: r.target,
    ref: r.ref,
    payload: JSON.parse(r.payload) as unknown,
    status: r.status as Delivery['status'],
    attempts: r.attempts,
    nextAt: r.next_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    doneAt: r.done_at,
  };
}
