/**
 * The records the counter store keeps, and their validation (pure; no I/O). The store knows nothing of
 * the policy engine's types: per-SIM state is an opaque JSON document under a string key.
 *
 * Times are integer milliseconds since the Unix epoch; durations are whole seconds.
 */

export type Direction = 'out' | 'in';

/** A finished call (a CDR). `id` is the caller's idempotency key, e.g. `${lineId}:${callId}`. */
export interface CallRecord {
  id: string;
  line: string;
  /** SIM slot index on the line (0 = A). */
  slot: number;
  /** The card's ICCID, or null when it could not be read. */
  iccid: string | null;
  direction: Direction;
  /** Dialled (out) or calling (in) number; empty when withheld. */
  number: string;
  startedAt: number;
  alertedAt?: number | null;
  answeredAt?: number | null;
  endedAt: number;
  /** Talk seconds, answered -> ended; 0 when the call was never answered. */
  durationS: number;
  /** Seconds charged against limits: duration rounded up to the billing period. */
  billedS: number;
  /** Why the call ended, e.g. `normal`, `busy`, `no-answer`, `CEER 17`. */
  cause: string;
  /** Who asked for the call: `network` (incoming), `api:<user>`, `sip:<account>`. */
  origin?: string | null;
  /** One word for how it went: answered, missed, busy, no-answer, failed, refused. */
  outcome?: string | null;
  /** How the GSM side ended it, as the modem said (NO CARRIER, BUSY, ...); null when the gateway hung up. */
  gsmCause?: string | null;
  /** How the VoIP side ended it (SIP status or BYE reason). */
  voipCause?: string | null;
  /** The gateway's own reason: a refusal, a ring timeout, a restart. */
  gatewayCause?: string | null;
}

/** A call that started but has not ended yet (see `CounterStore.beginCall`). */
export type OpenCallRecord = Omit<CallRecord, 'endedAt' | 'durationS' | 'billedS' | 'cause' | 'outcome' | 'gsmCause' | 'voipCause' | 'gatewayCause'>;

/** The fields of a call record that are optional when written; as stored they are null when absent. */
type OptionalCallFields = 'alertedAt' | 'answeredAt' | 'origin' | 'outcome' | 'gsmCause' | 'voipCause' | 'gatewayCause';

/** A call as stored: ended fields are null while it is open. */
export interface StoredCall extends Omit<CallRecord, 'endedAt' | 'durationS' | 'billedS' | 'cause' | OptionalCallFields> {
  seq: number;
  alertedAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  durationS: number | null;
  billedS: number | null;
  cause: string | null;
  origin: string | null;
  outcome: string | null;
  gsmCause: string | null;
  voipCause: string | null;
  gatewayCause: string | null;
  recordedAt: number;
}

/** One SMS sent (or received) through a SIM, counted once; multipart messages count `parts`. */
export interface SmsRecord {
  id: string;
  line: string;
  slot: number;
  iccid: string | null;
  direction: Direction;
  number: string;
  at: number;
  parts: number;
  ok: boolean;
  /** Why it failed (`CMS ERROR 500`), when `ok` is false. */
  error?: string | null;
}

export interface StoredSms extends Omit<SmsRecord, 'error'> {
  seq: number;
  error: string | null;
  recordedAt: number;
}

/** An operator's action (reset statistics, enable/disable a SIM, force a switch), as an audit row. */
export interface OperatorAction {
  /** Optional idempotency key (e.g. the API request id). */
  id?: string | null;
  at: number;
  /** Who did it (user name), when known. */
  actor?: string | null;
  /** e.g. `reset-stats`, `disable`, `enable`, `switch`. */
  action: string;
  /** What it applied to, e.g. `L1:2` or an ICCID. */
  target?: string | null;
  /** Any JSON-serialisable detail. */
  detail?: unknown;
}

export interface StoredAction {
  seq: number;
  id: string | null;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  detail: unknown;
}

/** A per-SIM (or per-slot) state document to write in the same transaction as an event. */
export interface StateUpdate {
  key: string;
  /** The engine's state, serialised as JSON text. */
  json: string;
}

export interface StoredState {
  key: string;
  json: string;
  /** 1 on the first write, +1 on every write. */
  version: number;
  updatedAt: number;
  /** The idempotency key of the event written with this state, or null (plain saveState). */
  eventId: string | null;
}

/** State key for a card: `iccid:<ICCID>`. */
export function simKey(iccid: string): string {
  return `iccid:${iccid}`;
}

/** State key for a slot of a line: `slot:<line>:<slot>`. */
export function slotKey(line: string, slot: number): string {
  return `slot:${line}:${slot}`;
}

const MAX_KEY = 256;
const MAX_TEXT = 1024;
/** Year 1970 .. 9999 in milliseconds. */
const MAX_TIME = 253402300799999;

type Problems = string[];

function text(p: Problems, field: string, v: unknown, opts: { empty?: boolean; max?: number } = {}): void {
  if (typeof v !== 'string') p.push(`${field}: expected a string, got ${describe(v)}`);
  else if (!opts.empty && v.length === 0) p.push(`${field}: must not be empty`);
  else if (v.length > (opts.max ?? MAX_TEXT)) p.push(`${field}: longer than ${opts.max ?? MAX_TEXT} characters`);
}

function optText(p: Problems, field: string, v: unknown): void {
  if (v !== undefined && v !== null) text(p, field, v, { empty: true });
}

function time(p: Problems, field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TIME) p.push(`${field}: expected milliseconds since the epoch (integer >= 0), got ${describe(v)}`);
}

function optTime(p: Problems, field: string, v: unknown): void {
  if (v !== undefined && v !== null) time(p, field, v);
}

function count(p: Problems, field: string, v: unknown, min = 0): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > Number.MAX_SAFE_INTEGER) p.push(`${field}: expected an integer >= ${min}, got ${describe(v)}`);
}

function direction(p: Problems, v: unknown): void {
  if (v !== 'out' && v !== 'in') p.push(`direction: expected "out" or "in", got ${describe(v)}`);
}

function iccid(p: Problems, v: unknown): void {
  if (v !== null) text(p, 'iccid', v, { max: 32 });
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function common(p: Problems, r: Record<string, unknown>): void {
  text(p, 'id', r.id, { max: MAX_KEY });
  text(p, 'line', r.line, { max: 64 });
  count(p, 'slot', r.slot);
  iccid(p, r.iccid);
  direction(p, r.direction);
  text(p, 'number', r.number, { empty: true, max: 64 });
}

function openCallFields(p: Problems, r: Record<string, unknown>): void {
  common(p, r);
  if (r.origin !== undefined && r.origin !== null) text(p, 'origin', r.origin, { max: 128 });
  time(p, 'startedAt', r.startedAt);
  optTime(p, 'alertedAt', r.alertedAt);
  optTime(p, 'answeredAt', r.answeredAt);
  const started = r.startedAt as number;
  for (const f of ['alertedAt', 'answeredAt'] as const) {
    const v = r[f];
    if (typeof v === 'number' && typeof started === 'number' && v < started) p.push(`${f}: before startedAt`);
  }
}

/** Problems with a call record, one `field: message` each; empty when it is valid. */
export function callProblems(r: unknown): string[] {
  if (!isObject(r)) return [`(record): expected an object, got ${describe(r)}`];
  const p: Problems = [];
  openCallFields(p, r);
  time(p, 'endedAt', r.endedAt);
  count(p, 'durationS', r.durationS);
  count(p, 'billedS', r.billedS);
  text(p, 'cause', r.cause, { empty: true, max: 128 });
  if (r.outcome !== undefined && r.outcome !== null) text(p, 'outcome', r.outcome, { max: 32 });
  for (const f of ['gsmCause', 'voipCause', 'gatewayCause'] as const) {
    if (r[f] !== undefined && r[f] !== null) text(p, f, r[f], { empty: true, max: 256 });
  }
  if (typeof r.endedAt === 'number' && typeof r.startedAt === 'number' && r.endedAt < r.startedAt) p.push('endedAt: before startedAt');
  if (typeof r.answeredAt === 'number' && typeof r.endedAt === 'number' && r.answeredAt > r.endedAt) p.push('answeredAt: after endedAt');
  if ((r.answeredAt === undefined || r.answeredAt === null) && r.durationS !== 0) p.push('durationS: must be 0 for a call that was never answered');
  return p;
}

/** Problems with an open (not yet ended) call record; empty when it is valid. */
export function openCallProblems(r: unknown): string[] {
  if (!isObject(r)) return [`(record): expected an object, got ${describe(r)}`];
  const p: Problems = [];
  openCallFields(p, r);
  return p;
}

/** Problems with an SMS record; empty when it is valid. */
export function smsProblems(r: unknown): string[] {
  if (!isObject(r)) return [`(record): expected an object, got ${describe(r)}`];
  const p: Problems = [];
  common(p, r);
  time(p, 'at', r.at);
  count(p, 'parts', r.parts, 1);
  if (typeof r.ok !== 'boolean') p.push(`ok: expected true or false, got ${describe(r.ok)}`);
  optText(p, 'error', r.error);
  return p;
}

/** Problems with an operator action; empty when it is valid. */
export function actionProblems(r: unknown): string[] {
  if (!isObject(r)) return [`(record): expected an object, got ${describe(r)}`];
  const p: Problems = [];
  if (r.id !== undefined && r.id !== null) text(p, 'id', r.id, { max: MAX_KEY });
  time(p, 'at', r.at);
  optText(p, 'actor', r.actor);
  text(p, 'action', r.action, { max: 64 });
  optText(p, 'target', r.target);
  if (r.detail !== undefined) {
    try {
      if (JSON.stringify(r.detail) === undefined) p.push('detail: not JSON-serialisable');
    } catch (e) {
      p.push(`detail: not JSON-serialisable (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return p;
}

/** Problems with state updates (keys, JSON text, no key twice); empty when they are valid. */
export function stateProblems(updates: unknown): string[] {
  if (!Array.isArray(updates)) return [`stateUpdates: expected an array, got ${describe(updates)}`];
  const p: Problems = [];
  const seen = new Set<string>();
  updates.forEach((u, i) => {
    if (!isObject(u)) {
      p.push(`stateUpdates[${i}]: expected { key, json }, got ${describe(u)}`);
      return;
    }
    text(p, `stateUpdates[${i}].key`, u.key, { max: MAX_KEY });
    if (typeof u.key === 'string') {
      if (seen.has(u.key)) p.push(`stateUpdates[${i}].key: ${JSON.stringify(u.key)} appears twice`);
      seen.add(u.key);
    }
    if (typeof u.json !== 'string') p.push(`stateUpdates[${i}].json: expected JSON text, got ${describe(u.json)}`);
    else {
      try {
        JSON.parse(u.json);
      } catch (e) {
        p.push(`stateUpdates[${i}].json: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  });
  return p;
}
